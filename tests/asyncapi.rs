//! AsyncAPI in and out (issue 13): the research's three documents join into the article's
//! grammar, each kind rule decides in its turn, every gallery model survives export and
//! import unchanged, and each kind of bad input is refused with its file and place.

use std::path::Path;

use contrail::asyncapi::{
    export, export_zip, import, read_sources, read_zip, to_yaml, ImportError, SourceFile,
};
use contrail::sim::model::{KindRule, MessageSpec, Model};
use serde_json::{json, Value};

const THREE: [&str; 3] = ["mobile-app", "booking", "loyalty"];

fn file(name: &str, text: &str) -> SourceFile {
    SourceFile {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
    }
}

fn three_files() -> Vec<SourceFile> {
    THREE
        .iter()
        .map(|s| {
            let name = format!("{s}.asyncapi.yaml");
            let text = std::fs::read_to_string(format!("models/asyncapi/three-services/{name}"))
                .expect("the bundled example exists");
            file(&name, &text)
        })
        .collect()
}

fn import_files(files: &[SourceFile]) -> Result<(Model, Vec<String>), ImportError> {
    let docs = read_sources(files)?;
    let imported = import(&docs)?;
    let model = Model::from_value(&imported.model).expect("an import is a valid model");
    Ok((model, imported.notes))
}

fn rule_of(model: &Model, name: &str) -> Option<KindRule> {
    model.message(name).and_then(|m| m.kind_rule)
}

#[test]
fn the_three_example_documents_give_one_edge_of_each_kind() {
    let (model, notes) = import_files(&three_files()).unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    let ids: Vec<&str> = model.services.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["mobile-app", "booking", "loyalty", "broker"]);
    assert_eq!(
        model.service("mobile-app").unwrap().role,
        contrail::sim::Role::Client
    );
    assert_eq!(
        model.service("broker").unwrap().role,
        contrail::sim::Role::Broker
    );
    assert_eq!(model.services[1].name, "Booking");
    assert_eq!(
        model.messages.len(),
        3,
        "the reply PointsBalance is the answer, not a type"
    );

    let book = model.message("BookFlight").unwrap();
    assert_eq!(
        book.kind,
        MessageSpec::Command {
            senders: vec!["mobile-app".into()],
            handler: "booking".into()
        }
    );
    assert_eq!(
        book.example,
        json!({"customerId": "C-1001", "flightNumber": "FL123", "seatClass": "economy"})
    );
    let created = model.message("BookingCreated").unwrap();
    assert_eq!(
        created.kind,
        MessageSpec::Event {
            publishers: vec!["booking".into()],
            subscribers: vec!["loyalty".into()]
        }
    );
    match &model.message("GetPointsBalance").unwrap().kind {
        MessageSpec::Query {
            route,
            server,
            callers,
            response,
            ..
        } => {
            assert_eq!(route, "GET /api/loyalty/customers/{customerId}/points");
            assert_eq!(server, "loyalty");
            assert_eq!(callers, &["mobile-app".to_string()]);
            assert_eq!(
                response,
                &json!({"customerId": "C-1001", "points": 1250, "tier": "Silver"})
            );
        }
        other => panic!("GetPointsBalance is a query, not {other:?}"),
    }
    for name in ["BookFlight", "BookingCreated", "GetPointsBalance"] {
        assert_eq!(rule_of(&model, name), Some(KindRule::Extension), "{name}");
    }
    // The model runs: the engine accepts its topology.
    model.to_topology().unwrap();
}

/// The example without `x-eventcatalog-message-type`, so the weaker rules must decide.
fn without_extensions() -> Vec<SourceFile> {
    three_files()
        .into_iter()
        .map(|f| {
            let text = String::from_utf8(f.bytes).unwrap();
            let text: String = text
                .lines()
                .filter(|l| !l.contains("x-eventcatalog-message-type"))
                .map(|l| format!("{l}\n"))
                .collect();
            file(&f.name, &text)
        })
        .collect()
}

#[test]
fn without_the_extension_reply_topology_and_names_decide() {
    let (model, _) = import_files(&without_extensions()).unwrap();
    assert_eq!(rule_of(&model, "GetPointsBalance"), Some(KindRule::Reply));
    assert!(matches!(
        model.message("GetPointsBalance").unwrap().kind,
        MessageSpec::Query { .. }
    ));
    // One receiver on an AMQP queue: a command, by topology.
    assert_eq!(rule_of(&model, "BookFlight"), Some(KindRule::Topology));
    assert!(matches!(
        model.message("BookFlight").unwrap().kind,
        MessageSpec::Command { .. }
    ));
    // A topic exchange fans out: an event, by topology.
    assert_eq!(rule_of(&model, "BookingCreated"), Some(KindRule::Topology));

    // Without bindings, only the name is left: "guessed".
    let bare: Vec<SourceFile> = without_extensions()
        .into_iter()
        .map(|f| {
            let text = String::from_utf8(f.bytes).unwrap();
            let text = text
                .replace("is: queue", "is: routingKey")
                .replace("type: topic", "type: direct");
            file(&f.name, &text)
        })
        .collect();
    let (model, _) = import_files(&bare).unwrap();
    assert_eq!(rule_of(&model, "BookFlight"), Some(KindRule::Name));
    assert!(matches!(
        model.message("BookFlight").unwrap().kind,
        MessageSpec::Command { .. }
    ));
    assert_eq!(rule_of(&model, "BookingCreated"), Some(KindRule::Name));
    assert!(matches!(
        model.message("BookingCreated").unwrap().kind,
        MessageSpec::Event { .. }
    ));
}

#[test]
fn tags_decide_before_topology() {
    let files: Vec<SourceFile> = without_extensions()
        .into_iter()
        .map(|f| {
            let text = String::from_utf8(f.bytes).unwrap();
            // BookingCreated tagged as a command: one receiver, so the command is valid.
            let text = text.replace(
                "      name: BookingCreated\n",
                "      name: BookingCreated\n      tags:\n        - name: Command\n",
            );
            file(&f.name, &text)
        })
        .collect();
    let (model, _) = import_files(&files).unwrap();
    assert_eq!(rule_of(&model, "BookingCreated"), Some(KindRule::Tag));
    assert!(matches!(
        model.message("BookingCreated").unwrap().kind,
        MessageSpec::Command { .. }
    ));
}

#[test]
fn a_json_array_of_documents_and_a_yaml_stream_read_alike() {
    let docs = read_sources(&three_files()).unwrap();
    let values: Vec<Value> = docs.iter().map(|d| d.value.clone()).collect();
    let json_text = serde_json::to_string(&values).unwrap();
    let yaml_stream = values.iter().map(to_yaml).collect::<Vec<_>>().join("---\n");
    let from_json = import_files(&[file("system.json", &json_text)]).unwrap().0;
    let from_yaml = import_files(&[file("system.yaml", &yaml_stream)])
        .unwrap()
        .0;
    let from_files = import_files(&three_files()).unwrap().0;
    assert_eq!(from_json.messages, from_files.messages);
    assert_eq!(from_yaml.messages, from_files.messages);
    assert_eq!(from_yaml.services, from_files.services);
}

fn gallery() -> Vec<(&'static str, Model)> {
    ["airline", "saga", "cqrs"]
        .into_iter()
        .map(|key| {
            let text = std::fs::read_to_string(format!("models/{key}.json")).unwrap();
            (key, Model::parse(&text).unwrap())
        })
        .collect()
}

/// What a round trip changes on purpose: every kind is now stated by the extension.
fn stated(mut model: Model) -> Model {
    for m in &mut model.messages {
        m.kind_rule = Some(KindRule::Extension);
    }
    model
}

#[test]
fn every_gallery_model_survives_export_and_import_unchanged() {
    for (key, model) in gallery() {
        let zip = export_zip(&model);
        let files: Vec<SourceFile> = read_zip(&zip, 1 << 20)
            .unwrap()
            .into_iter()
            .map(|(name, bytes)| SourceFile { name, bytes })
            .collect();
        assert_eq!(
            files.len(),
            model
                .services
                .iter()
                .filter(|s| s.role != contrail::sim::Role::Broker)
                .count(),
            "{key}: one document per service"
        );
        let (back, notes) = import_files(&files).unwrap_or_else(|e| panic!("{key}: {e}"));
        assert!(notes.is_empty(), "{key}: {notes:?}");
        assert_eq!(back, stated(model.clone()), "{key}");
        // The zip itself imports too, and a second export gives the same bytes.
        let (again, _) = import_files(&[SourceFile {
            name: format!("{key}.zip"),
            bytes: zip.clone(),
        }])
        .unwrap();
        assert_eq!(again, back, "{key}");
        assert_eq!(export_zip(&back), zip, "{key}: export is deterministic");
    }
}

/// The exports CI validates with the reference parser (`scripts/validate-asyncapi.mjs`), and
/// the airline's export bundled as a gallery entry, kept equal to a fresh export
/// (`UPDATE_ASYNCAPI=1 cargo test --test asyncapi` rewrites it).
#[test]
fn exports_are_written_for_validation_and_the_bundled_airline_export_is_current() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("asyncapi-exports");
    let _ = std::fs::remove_dir_all(&out);
    for (key, model) in gallery() {
        let dir = out.join(key);
        std::fs::create_dir_all(&dir).unwrap();
        for f in export(&model) {
            std::fs::write(dir.join(&f.name), to_yaml(&f.document)).unwrap();
        }
    }
    let bundled = Path::new("models/asyncapi/airline");
    let (_, airline) = gallery().remove(0);
    let update = std::env::var_os("UPDATE_ASYNCAPI").is_some();
    if update {
        let _ = std::fs::remove_dir_all(bundled);
        std::fs::create_dir_all(bundled).unwrap();
    }
    for f in export(&airline) {
        let fresh = to_yaml(&f.document);
        let path = bundled.join(&f.name);
        if update {
            std::fs::write(&path, &fresh).unwrap();
        }
        let kept = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing; run UPDATE_ASYNCAPI=1 cargo test --test asyncapi",
                path.display()
            )
        });
        assert_eq!(
            kept,
            fresh,
            "{} differs from a fresh export",
            path.display()
        );
    }
}

fn refused(files: &[SourceFile]) -> String {
    match import_files(files) {
        Ok(_) => panic!("this import should be refused"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn yaml_syntax_errors_give_file_line_and_column() {
    let text = "asyncapi: 3.0.0\ninfo:\n  title: [unclosed\n  version: 1\n";
    let why = refused(&[file("broken.yaml", text)]);
    assert!(why.starts_with("broken.yaml, line "), "{why}");
    assert!(why.contains("column"), "{why}");
    let why = refused(&[file(
        "broken.json",
        "{\"asyncapi\": \"3.0.0\",\n  \"info\": }",
    )]);
    assert!(why.starts_with("broken.json, line 2, column"), "{why}");
}

#[test]
fn an_alias_bomb_is_stopped_by_the_budget() {
    let mut text = String::from("asyncapi: 3.0.0\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..10 {
        let prev = (b'a' + i - 1) as char;
        let this = (b'a' + i) as char;
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{this}: &{this} [{refs}]\n"));
    }
    let why = refused(&[file("bomb.yaml", &text)]);
    assert!(why.starts_with("bomb.yaml"), "{why}");
    assert!(why.contains("YAML cannot be read"), "{why}");
}

#[test]
fn a_document_100_levels_deep_is_refused_with_its_place() {
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let why = refused(&[file(
        "deep.json",
        &format!("{{\"asyncapi\": \"3.0.0\", \"x\": {deep}}}"),
    )]);
    assert!(why.starts_with("deep.json, at /x/0/0/"), "{why}");
    assert!(why.contains("more than 64 levels deep"), "{why}");
    let yaml = format!("asyncapi: 3.0.0\nx: {deep}\n");
    let why = refused(&[file("deep.yaml", &yaml)]);
    assert!(why.starts_with("deep.yaml"), "{why}");
}

#[test]
fn a_10_mb_file_is_refused_before_it_is_read() {
    let big = "#".repeat(10 * 1024 * 1024);
    let why = refused(&[file("huge.yaml", &big)]);
    assert_eq!(
        why,
        "huge.yaml: the file is 10.0 MB; files up to 4.0 MB are read"
    );
}

#[test]
fn asyncapi_2_is_refused_saying_only_3_is_read() {
    let why = refused(&[file(
        "old.yaml",
        "asyncapi: 2.6.0\ninfo: {title: Old, version: '1'}\n",
    )]);
    assert!(
        why.starts_with(
            "old.yaml, at /asyncapi: this is AsyncAPI 2.6.0; only AsyncAPI 3.x is read"
        ),
        "{why}"
    );
}

#[test]
fn an_unknown_ref_names_its_file_and_place() {
    let mut files = three_files();
    let text = String::from_utf8(files[1].bytes.clone()).unwrap().replace(
        "$ref: '#/channels/bookingCommands'",
        "$ref: '#/channels/nowhere'",
    );
    files[1] = file("booking.asyncapi.yaml", &text);
    let why = refused(&files);
    assert_eq!(
        why,
        "booking.asyncapi.yaml, at /operations/handleBookFlight/channel: \"$ref\": \"#/channels/nowhere\" points at nothing in booking.asyncapi.yaml"
    );
}

#[test]
fn a_remote_ref_is_never_fetched_but_reported() {
    let mut files = three_files();
    let text = String::from_utf8(files[2].bytes.clone()).unwrap().replace(
        "      x-eventcatalog-message-type: query\n      bindings:",
        "      x-eventcatalog-message-type: query\n      correlationId:\n        $ref: 'https://example.com/schemas/correlation.yaml'\n      bindings:",
    );
    files[2] = file("loyalty.asyncapi.yaml", &text);
    let (model, notes) = import_files(&files).unwrap();
    assert_eq!(model.messages.len(), 3);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("https://example.com/schemas/correlation.yaml, which is not fetched"),
        "{notes:?}"
    );
}

#[test]
fn a_send_nobody_receives_is_a_dead_end() {
    // Booking alone: BookingCreated is published and nobody subscribes; BookFlight arrives
    // from nobody.
    let files = vec![three_files().remove(1)];
    let (model, notes) = import_files(&files).unwrap();
    assert_eq!(
        model.message("BookingCreated").unwrap().kind,
        MessageSpec::Event {
            publishers: vec!["booking".into()],
            subscribers: vec![]
        }
    );
    assert!(
        notes.is_empty(),
        "an event with no subscriber needs no note: {notes:?}"
    );
    // The mobile app alone: its command has no handler, so it is drawn as a dead end.
    let (model, notes) = import_files(&[three_files().remove(0)]).unwrap();
    assert!(matches!(
        model.message("BookFlight").unwrap().kind,
        MessageSpec::Event { .. }
    ));
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Nobody receives BookFlight")),
        "{notes:?}"
    );
}

#[test]
fn two_documents_claiming_one_service_are_refused() {
    let mut files = three_files();
    files.push(file(
        "booking-copy.yaml",
        &String::from_utf8(files[1].bytes.clone()).unwrap(),
    ));
    assert_eq!(
        refused(&files),
        "booking-copy.yaml: booking.asyncapi.yaml and booking-copy.yaml both describe the service \"booking\"; give each service one document"
    );
}

#[test]
fn markup_in_a_description_stays_text_in_the_model() {
    let mut files = three_files();
    let text = String::from_utf8(files[1].bytes.clone()).unwrap().replace(
        "  title: Booking\n",
        "  title: \"<img src=x onerror=alert(1)>Booking\"\n",
    );
    files[1] = file("booking.asyncapi.yaml", &text);
    let (model, _) = import_files(&files).unwrap();
    assert_eq!(
        model.services[1].name,
        "<img src=x onerror=alert(1)>Booking"
    );
}

#[test]
fn reactions_come_from_x_contrail_reactions_on_receive_operations() {
    let mut files = three_files();
    let text = String::from_utf8(files[1].bytes.clone()).unwrap().replace(
        "      - $ref: '#/channels/bookingCommands/messages/BookFlight'\n  publishBookingCreated:",
        "      - $ref: '#/channels/bookingCommands/messages/BookFlight'\n    x-contrail-reactions:\n      - publish: BookingCreated\n        map:\n          - {from: /customerId, to: /customerId}\n  publishBookingCreated:",
    );
    files[1] = file("booking.asyncapi.yaml", &text);
    let (model, _) = import_files(&files).unwrap();
    assert_eq!(model.reactions.len(), 1);
    let r = &model.reactions[0];
    assert_eq!(
        (r.service.as_str(), r.on.as_str()),
        ("booking", "BookFlight")
    );
    assert_eq!(
        r.output.as_ref().map(|o| o.message()),
        Some("BookingCreated")
    );
    // A reaction naming a message that does not exist is the model reader's refusal, said.
    let broken = String::from_utf8(files[1].bytes.clone())
        .unwrap()
        .replace("publish: BookingCreated", "publish: Nope");
    files[1] = file("booking.asyncapi.yaml", &broken);
    let why = refused(&files);
    assert!(why.contains("Nope"), "{why}");
}

#[test]
fn a_payload_without_examples_starts_from_its_schema() {
    let files = three_files();
    // In booking.yaml alone, BookingCreated has a schema and no example (loyalty's copy has
    // none either), so the minimal instance gives the required fields.
    let mut only = files.clone();
    let text = String::from_utf8(only[1].bytes.clone()).unwrap();
    let cut = text
        .find("      examples:\n        - payload: { bookingId")
        .unwrap();
    only[1] = file("booking.asyncapi.yaml", &text[..cut]);
    let (model, _) = import_files(&only[1..]).unwrap();
    assert_eq!(
        model.message("BookingCreated").unwrap().example,
        json!({"bookingId": "text", "customerId": "text", "flightNumber": "text"})
    );
}

#[test]
fn the_bundled_sets_list_exactly_the_files_shipped() {
    for set in contrail::asyncapi_worker::BUNDLED {
        let dir = Path::new("models/asyncapi").join(set.key);
        let mut shipped: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{} exists", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        shipped.sort();
        let mut listed: Vec<String> = set.files.iter().map(|f| f.to_string()).collect();
        listed.sort();
        assert_eq!(listed, shipped, "{}", set.key);
        // Each set imports into a model that runs.
        let files: Vec<SourceFile> = set
            .files
            .iter()
            .map(|f| file(f, &std::fs::read_to_string(dir.join(f)).unwrap()))
            .collect();
        let (model, notes) = import_files(&files).unwrap();
        assert!(notes.is_empty(), "{}: {notes:?}", set.key);
        assert!(model.services.len() >= 4, "{}", set.key);
    }
}

#[test]
fn the_worker_reply_reader_takes_models_and_reasons() {
    use contrail::asyncapi_worker::{read_import_reply, read_reply};
    let reply = read_import_reply(r#"{"model": {"contrail": 1}, "notes": ["a"]}"#).unwrap();
    assert_eq!(reply.model, json!({"contrail": 1}));
    assert_eq!(reply.notes, ["a"]);
    assert_eq!(
        read_reply(r#"{"error": "x.yaml: bad"}"#).unwrap_err(),
        "x.yaml: bad"
    );
    assert!(read_import_reply("{}").unwrap_err().contains("no model"));
    assert!(read_reply("<html>").unwrap_err().contains("unreadable"));
}

#[test]
fn asyncapi_3_1_documents_read_as_3_0_ones_do() {
    let v31: Vec<SourceFile> = three_files()
        .into_iter()
        .map(|f| {
            let text = String::from_utf8(f.bytes)
                .unwrap()
                .replace("asyncapi: 3.0.0", "asyncapi: 3.1.0");
            file(&f.name, &text)
        })
        .collect();
    let (model, notes) = import_files(&v31).unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(model, import_files(&three_files()).unwrap().0);
}
