//! One model's page: owns the simulation and the one animation loop, and wires the
//! components. Everything here is derived from the model it was built for.

use leptos::either::Either;
use leptos::prelude::*;

use crate::animation::{prefers_reduced_motion, use_animation_frame};
use crate::bench_mode;
#[cfg(feature = "bench")]
use crate::bench_mode::Mode;
use crate::components::controls::TRAFFIC_MAX;
use crate::components::message_log::{filter_changed, LogHandles};
use crate::components::model_editor::model_editor_part;
use crate::components::sequence_view::sequence_view_part;
use crate::components::what_if::NO_PRESET;
use crate::components::{
    Composer, Controls, DeadLetters, Diagram, DiagramTable, FlowExports, KeyboardShortcuts, Legend,
    ModelPicker, Narration, Notice, PayloadInspector, ServiceInspector, ShareLink, StageView,
    TracePanel, ViewOptions, WhatIf,
};
use crate::engine::{engine_at_hand, Engine};
use crate::flow::chain::Chain;
use crate::flow::sequence::Window;
use crate::geometry::{DiagramGeometry, Point, Viewport};
use crate::listing::{LogFilter, LogPlace};
use crate::live::LiveSim;
use crate::loaded::Start;
use crate::log_markup::log_at_rest;
use crate::narration;
use crate::on_demand::{on_demand, part_holder};
use crate::page_run::PageRun;
use crate::painter::Painter;
use crate::refresh::{Lane, RefreshSchedule, VIEW_REFRESH_MS};
use crate::sim::{
    DeadLetterOp, FaultChange, Happening, Input, Journal, MessageId, Preset, ServiceIdx, Sim,
    SimConfig, SimError, SimTime, UserMessage,
};
use crate::tokens::{PlacedToken, TokenLayer};

/// How close, in diagram units, a click must land to a token to pick it.
const PICK_RADIUS: f64 = 12.0;

/// The caption before anything has happened.
pub const FIRST_CAPTION: &str =
    "Press a scenario button to start. Pause, then Step, to follow it one happening at a time.";

/// The page for one model: header with the model picker, controls and step caption,
/// diagram with legend and what-if panels, the log and the inspectors; in Present mode the
/// diagram alone with the controls and caption.
#[component]
pub fn SimulationPage(
    /// The model to run, its seed, and the run a link brought to replay, if any.
    start: Start,
    /// Loads another model or opens a link: the page is built again for it.
    on_start: Callback<Start>,
    /// What shows in this page's place while it is built (index.html's boot page, with the
    /// prerendered diagram the Diagram takes over): the page is built hidden and takes its
    /// place whole, in one frame.
    #[prop(optional_no_strip)]
    in_place_of: Option<web_sys::Element>,
) -> impl IntoView {
    let model = StoredValue::new(start.model.clone());
    let is_airline = start.model.is_airline();
    // A model read from a document can be changed in the page (kinds, reactions); the
    // editor opens at once when rules decided its kinds (an AsyncAPI import).
    let declared = start
        .model
        .model()
        .map(|m| m.messages.iter().any(|x| x.kind_rule.is_some()));
    // A shared link may bring its own seed; Step back and Reset start from it again.
    let config = StoredValue::new(SimConfig {
        seed: start.seed,
        ..SimConfig::default()
    });
    // Without the bench feature the mode is always the airline, and only the notice is read.
    #[cfg_attr(not(feature = "bench"), allow(unused_variables))]
    let (mode, mode_notice) = bench_mode::current_mode();
    // The engine runs the model; until the release build has fetched it (see `engine.rs`),
    // the run is the model at rest, which draws and keeps time.
    let engine_here = StoredValue::new_local(engine_at_hand());
    let at_rest = StoredValue::new_local(false);
    let (engine_arrived, set_engine_arrived) = signal(engine_here.get_value().is_some());
    let starting_sim = move || {
        config.with_value(|c| {
            #[cfg(feature = "bench")]
            if mode != Mode::Airline {
                return crate::bench_hooks::build_sim(mode, c).0;
            }
            // A gallery or user model was checked when it was loaded; the airline cannot fail.
            let started = engine_here
                .get_value()
                .and_then(|e| model.with_value(|m| e.start(m, c)).ok());
            at_rest.set_value(started.is_none());
            started.unwrap_or_else(|| model.with_value(|m| m.at_rest(c)))
        })
    };
    let (first_sim, refused) = match mode {
        #[cfg(feature = "bench")]
        Mode::Tokens(_) | Mode::SimThroughput => {
            config.with_value(|c| crate::bench_hooks::build_sim(mode, c))
        }
        _ => (starting_sim(), None),
    };
    let sim = StoredValue::new_local(first_sim);
    // Every input the run was fed, so Step back can replay the run to one step earlier.
    let journal = StoredValue::new_local(Journal::default());
    let geometry = StoredValue::new_local(sim.with_value(|s| DiagramGeometry::new(s.topology())));
    let tokens = StoredValue::new_local(TokenLayer::new(geometry.with_value(|g| g.edges.len())));
    // One change counter per refresh lane (see `refresh`): the animation loop bumps one
    // lane per frame; a user's action bumps them all.
    let lane_versions = Lane::ALL.map(|_| signal(0u64));
    let refresh_lane = move |lane: Lane| {
        let _ = lane_versions[lane.index()].1.try_update(|v| *v += 1);
    };
    let schedule = StoredValue::new_local(RefreshSchedule::default());
    let refresh_all = move || {
        for lane in Lane::ALL {
            refresh_lane(lane);
        }
        schedule.try_update_value(RefreshSchedule::refreshed_all);
    };
    // The clock moves even when nothing happens; only the header reads it.
    let (clock_now, set_clock_now) = signal::<SimTime>(0);
    let live = LiveSim::new(sim, lane_versions.map(|(read, _)| read));

    let playing = RwSignal::new(!start.opening_link && start.replay.is_none());
    let speed = RwSignal::new(1.0);
    let selected_message = RwSignal::new(None::<MessageId>);
    // The message under the pointer in the log: the diagram previews its route.
    let previewed_message = RwSignal::new(None::<MessageId>);
    let marked_message = Signal::derive(move || previewed_message.get().or(selected_message.get()));
    // The log's page and hold, kept here so that Reset can take the log back to its newest
    // page: message ids start again after a reset.
    let log_place = RwSignal::new(LogPlace::default());
    // What the log shows: kept here, so that filters set before the log arrived hold.
    let log_filter = RwSignal::new(LogFilter::default());
    let selected_service = RwSignal::new(None::<ServiceIdx>);
    let notice = RwSignal::new(mode_notice.or(refused).or(start.notice.clone()));
    // The page's own elements are found by class under its root: a reference to each
    // element type costs the wasm more (0.4 to 0.7 KB gzip a type), and a search of the
    // whole document could find another page's (the browser tests mount many).
    let page = NodeRef::<leptos::html::Div>::new();
    let find = move |selector: &str| {
        page.try_get_untracked()
            .flatten()
            .and_then(|p| p.query_selector(selector).ok().flatten())
    };
    // The step caption is written where it shows, by whoever has something to say; nothing
    // reads it back, so it needs no signal and no binding of its own.
    let caption = move |text: String| {
        if let Some(line) = find(".step-caption") {
            line.set_text_content(Some(&text));
        }
    };
    // And so is what to notice in the playing what-if preset, which comes with the engine.
    let tell_preset = move |text: &str| {
        if let Some(line) = find(".preset-caption") {
            line.set_text_content(Some(text));
        }
    };
    let token_canvas = move || {
        use wasm_bindgen::JsCast;
        find(".token-layer")?
            .dyn_into::<web_sys::HtmlCanvasElement>()
            .ok()
    };
    let mut first_caption = if start.opening_link {
        "Opening the shared link…".to_string()
    } else {
        FIRST_CAPTION.to_string()
    };
    // Bumped when the run on screen is replaced by another (Reset, Step back).
    let run_replaced = RwSignal::new(0u32);
    let playing_preset = RwSignal::new(None::<Preset>);
    let reduce_motion = RwSignal::new(prefers_reduced_motion());
    let reduced_motion = move || reduce_motion.try_get_untracked().unwrap_or(false);
    // Narration: what a step did, or while playing a digest of the last few seconds.
    let narrate = RwSignal::new(true);
    let said = RwSignal::new(String::new());
    let digest = StoredValue::new_local(narration::Digest::default());
    // While presses that waited for the engine run together, what each says is kept, so
    // that a listener hears the booking as well as the step pressed right after it.
    let waited_words = StoredValue::new_local(None::<String>);
    let say = move |text: String| {
        digest.try_update_value(|d| *d = narration::Digest::default());
        if narrate.try_get_untracked() != Some(true) {
            return;
        }
        let text = waited_words
            .try_update_value(|words| {
                let words = words.as_mut()?;
                if !words.is_empty() {
                    words.push(' ');
                }
                words.push_str(&text);
                Some(words.clone())
            })
            .flatten()
            .unwrap_or(text);
        let _ = said.try_set(text);
    };

    // Everything the simulation reports goes through here: new hops become tokens at once.
    // Returns whether anything happened, so the caller can tell the views.
    let absorb_into = move |layer: &mut TokenLayer, s: &Sim, happenings: &[Happening]| {
        geometry.with_value(|g| {
            layer.absorb(g, happenings, |id| {
                s.message(id)
                    .and_then(|m| g.route(s.topology(), m).dead_end)
            })
        });
    };
    let absorb_tokens = move |happenings: &[Happening]| {
        if !happenings.is_empty() {
            sim.with_value(|s| tokens.update_value(|t| absorb_into(t, s, happenings)));
        }
        !happenings.is_empty()
    };
    // A user's action shows at once, clock included; the animation loop's own changes are
    // batched.
    let absorb = move |happenings: &[Happening]| {
        if absorb_tokens(happenings) {
            refresh_all();
        }
        set_clock_now.set(sim.with_value(Sim::now));
    };
    // What waits for the engine, in the order it was asked for, and whether it is on its way.
    let waiting = StoredValue::new_local(Vec::<Box<dyn FnOnce(&'static dyn Engine)>>::new());
    let fetching = StoredValue::new_local(false);
    // Runs `then` with the engine: now if it is here, else once it has arrived. The run at
    // rest becomes the model's own run, at the same moment, before anything waiting runs.
    let with_engine = move |then: Box<dyn FnOnce(&'static dyn Engine)>| {
        if let Some(Some(e)) = engine_here.try_get_value() {
            then(e);
            return;
        }
        waiting.try_update_value(|w| w.push(then));
        if fetching.try_get_value() != Some(false) {
            return;
        }
        fetching.set_value(true);
        leptos::task::spawn_local(async move {
            let arrived = crate::engine::fetch().await;
            if fetching.try_set_value(false).is_some() {
                return; // the page is gone
            }
            let e = match arrived {
                Ok(e) => e,
                Err(missing) => {
                    waiting.set_value(Vec::new());
                    notice.set(Some(missing.to_string()));
                    return;
                }
            };
            engine_here.set_value(Some(e));
            set_engine_arrived.set(true);
            if at_rest.get_value() {
                let now = sim.with_value(Sim::now);
                let started = config.with_value(|c| model.with_value(|m| e.start(m, c)));
                if let Ok(mut started) = started {
                    // Nothing was fed at rest: the run's journal holds only clock advances.
                    started.rest_to(now);
                    sim.set_value(started);
                    at_rest.set_value(false);
                }
            }
            waited_words.set_value(Some(String::new()));
            for then in waiting.try_update_value(std::mem::take).unwrap_or_default() {
                then(e);
            }
            waited_words.try_set_value(None);
            refresh_all();
        });
    };
    // Every input reaches the simulation through the journal, so that a replay is the run.
    let feed_with = move |e: &dyn Engine, input: Input| {
        journal
            .try_update_value(|j| sim.try_update_value(|s| e.apply(j, s, input)))
            .flatten()
    };
    // Feeds `input` once the engine is here, and hands `then` what it did.
    type Then = Box<dyn FnOnce(&'static dyn Engine, Result<Vec<Happening>, SimError>)>;
    let feed = move |input: Input, then: Then| {
        with_engine(Box::new(move |e| {
            if let Some(did) = feed_with(e, input) {
                then(e, did);
            }
        }));
    };

    // Replays `inputs` onto the run's fresh start and puts the result on screen in place of
    // the run there, with the tokens it left in flight (a shared link, Step back). Answers
    // what the last step among the inputs did; a refused input leaves the run on screen.
    let replay_run = move |e: &dyn Engine, inputs: Vec<Input>| {
        let mut layer = TokenLayer::new(geometry.with_value(|g| g.edges.len()));
        let replayed = e.replay(starting_sim(), inputs, &mut |s, did| {
            absorb_into(&mut layer, s, did)
        })?;
        layer.prune(replayed.sim.now());
        sim.set_value(replayed.sim);
        journal.set_value(replayed.journal);
        tokens.set_value(layer);
        set_clock_now.set(sim.with_value(Sim::now));
        Ok::<_, (usize, SimError)>(replayed.last_step)
    };

    let painter = StoredValue::new_local(None::<Painter>);
    // The part of the diagram on screen: the diagram zooms and pans it, the tokens follow.
    let viewport = RwSignal::new(Viewport::default());
    let mut carry_ms = 0.0_f64;
    let mut since_clock_ms = 0.0_f64;
    let mut since_narrated_ms = 0.0_f64;
    use_animation_frame(move |elapsed_ms| {
        let Some(running) = playing.try_get_untracked() else {
            return false;
        };
        let Some(speed) = speed.try_get_untracked() else {
            return false;
        };
        let mut changed = false;
        if running {
            // Whole simulated milliseconds only; the fraction carries into the next frame.
            carry_ms += elapsed_ms * speed;
            let step = carry_ms.floor();
            carry_ms -= step;
            let Some(now) = sim.try_with_value(Sim::now) else {
                return false;
            };
            let to = now.saturating_add(step as u64);
            let Some(here) = engine_here.try_get_value() else {
                return false;
            };
            let happenings = match here {
                Some(e) => match feed_with(e, Input::AdvanceTo(to)) {
                    Some(Ok(happenings)) => happenings,
                    _ => return false,
                },
                None => {
                    // At rest the clock just moves; a run with something due (a bench
                    // scene) needs the engine.
                    let rested =
                        journal.try_update_value(|j| sim.try_update_value(|s| j.rest_to(s, to)));
                    if rested.flatten() == Some(false) {
                        with_engine(Box::new(|_| {}));
                    }
                    Vec::new()
                }
            };
            changed = absorb_tokens(&happenings);
            // Without the engine nothing happens, so there is nothing to tell.
            if let Some(e) = here {
                if changed && narrate.try_get_untracked() == Some(true) {
                    sim.with_value(|s| digest.update_value(|d| e.digest(d, s, &happenings)));
                }
                since_narrated_ms += elapsed_ms;
                if since_narrated_ms >= NARRATION_EVERY_MS {
                    since_narrated_ms = 0.0;
                    if let Some(summary) =
                        sim.with_value(|s| digest.with_value(|d| e.summary(d, s)))
                    {
                        say(summary);
                    }
                }
            }
        }
        // Tokens move every frame; the views need not, and refreshing them all in one frame
        // made it miss its deadline under traffic: one lane of views per frame.
        if let Some(lane) = schedule
            .try_update_value(|s| s.frame(elapsed_ms, changed))
            .flatten()
        {
            refresh_lane(lane);
        }
        since_clock_ms += elapsed_ms;
        if since_clock_ms >= VIEW_REFRESH_MS {
            if let Some(now) = sim.try_with_value(Sim::now) {
                if clock_now.try_get_untracked() != Some(now) {
                    let _ = set_clock_now.try_set(now);
                }
            }
            since_clock_ms = 0.0;
        }
        let Some(now) = sim.try_with_value(Sim::now) else {
            return false;
        };
        // The painter keeps the diagram's token canvas from the first frame that finds it.
        if painter.try_with_value(Option::is_none) == Some(true) {
            painter.set_value(token_canvas().and_then(|c| Painter::new(&c)));
            if painter.with_value(Option::is_none) {
                return true;
            }
        }
        let marked = marked_message.try_get_untracked().flatten();
        let placed: Vec<PlacedToken> = tokens
            .try_update_value(|t| {
                t.prune(now);
                geometry.with_value(|g| t.placed(g, now, reduced_motion()).collect())
            })
            .unwrap_or_default();
        painter.update_value(|p| {
            if let Some(p) = p.as_mut() {
                p.paint(
                    &placed,
                    marked,
                    viewport.try_get_untracked().unwrap_or_default(),
                );
            }
        });
        true
    });

    // What a step, a scenario or a sent message did, in words: the caption under the
    // controls after its headline, and narration after what it speaks first.
    let tell = move |e: &dyn Engine, headline: String, spoken: String, happenings: &[Happening]| {
        let (words, narrated) = sim.with_value(|s| e.tell(s, happenings));
        caption(format!("{headline}: {words}"));
        say(format!("{spoken}{narrated}"));
    };
    // "Step 4 · 12:00:01.250": the same words for a step taken and for the same step reached
    // again by Step back.
    let step_headline = |step: usize, happenings: &[Happening]| {
        let at = happenings.last().map(Happening::at).unwrap_or_default();
        format!("Step {step} · {}", crate::listing::clock_time(at))
    };
    let on_step = Callback::new(move |()| {
        playing.set(false);
        feed(
            Input::Step,
            Box::new(move |e, did| {
                let happenings = did.unwrap_or_default();
                if happenings.is_empty() {
                    notice.set(Some(
                        "Nothing is scheduled: start a scenario or traffic first.".into(),
                    ));
                    return;
                }
                let step = journal.with_value(Journal::steps);
                tell(
                    e,
                    step_headline(step, &happenings),
                    format!("Step {step}: "),
                    &happenings,
                );
                absorb(&happenings);
            }),
        );
    });
    let on_step_back = Callback::new(move |()| {
        playing.set(false);
        let Some(inputs) = journal.with_value(Journal::before_last_step) else {
            caption(if journal.with_value(Journal::steps) == 0 {
                "No step yet: Step goes forward one happening at a time, Step back returns.".into()
            } else {
                "This is the first step: there is nothing before it to step back to.".into()
            });
            return;
        };
        with_engine(Box::new(move |e| match replay_run(e, inputs) {
            Ok(landed) => {
                let step = journal.with_value(Journal::steps);
                tell(
                    e,
                    step_headline(step, &landed),
                    format!("Back to step {step}: "),
                    &landed,
                );
                run_replaced.update(|n| *n += 1);
                refresh_all();
            }
            Err((_, error)) => notice.set(Some(format!("Step back: {}", e.explain(&error)))),
        }));
    });
    let on_reset = Callback::new(move |()| {
        sim.set_value(starting_sim());
        journal.update_value(Journal::clear);
        tokens.update_value(TokenLayer::clear);
        selected_message.set(None);
        previewed_message.set(None);
        log_place.set(LogPlace::default());
        notice.set(None);
        caption(FIRST_CAPTION.to_string());
        say("Reset: the run starts again from the beginning.".into());
        run_replaced.update(|n| *n += 1);
        playing_preset.set(None);
        tell_preset(NO_PRESET);
        set_clock_now.set(sim.with_value(Sim::now));
        refresh_all();
    });
    // A what-if input: shown at once, or refused with its reason while the previous
    // setting stays (the views are told either way, so an input snaps back).
    let what_if = move |input: Input, what: &'static str| {
        feed(
            input,
            Box::new(move |e, did| {
                match did {
                    Ok(happenings) => {
                        notice.set(None);
                        absorb(&happenings);
                    }
                    Err(error) => notice.set(Some(format!("{what}: {}", e.explain(&error)))),
                }
                refresh_all();
            }),
        );
    };
    let on_fault =
        Callback::new(move |change: FaultChange| what_if(Input::Fault(change), "What if"));
    let on_invalid = Callback::new(move |message: String| {
        notice.set(Some(message));
        refresh_all();
    });
    let on_dead_letter =
        Callback::new(move |op: DeadLetterOp| what_if(Input::DeadLetter(op), "Dead letters"));
    let on_preset = Callback::new(move |preset: Preset| {
        on_reset.run(());
        what_if(Input::Preset(preset), preset.label());
        playing_preset.set(Some(preset));
        with_engine(Box::new(move |e| {
            let told = e.preset_caption(preset);
            caption(format!("{}: {told}", preset.label()));
            tell_preset(told);
        }));
        playing.set(true);
    });
    let on_scenario = Callback::new(move |name: String| {
        with_engine(Box::new(move |e| {
            let input =
                sim.with_value(|s| model.with_value(|m| e.scenario_input(m, &name, s.topology())));
            match input.map(|input| feed_with(e, input)) {
                Ok(Some(Ok(happenings))) => {
                    tell(e, name, String::new(), &happenings);
                    absorb(&happenings);
                }
                Ok(Some(Err(error))) | Err(error) => {
                    notice.set(Some(format!("{name}: {}", e.explain(&error))))
                }
                Ok(None) => {}
            }
        }));
    });
    let on_compose = Callback::new(move |message: UserMessage| -> Result<(), String> {
        let name = message.name.clone();
        let told = move |e: &dyn Engine, happenings: &[Happening]| {
            tell(e, format!("Composer, {name}"), String::new(), happenings);
            absorb(happenings);
        };
        match engine_here.get_value() {
            Some(e) => match feed_with(e, Input::Send(message)) {
                Some(Ok(happenings)) => {
                    told(e, &happenings);
                    Ok(())
                }
                Some(Err(error)) => Err(e.explain(&error)),
                None => Err("the page is closing".into()),
            },
            // Opening the composer already asked for the engine, so this is rare: the
            // message goes once it is here, and a refusal shows in the page's notice.
            None => {
                feed(
                    Input::Send(message),
                    Box::new(move |e, did| match did {
                        Ok(happenings) => told(e, &happenings),
                        Err(error) => notice.set(Some(format!("Composer: {}", e.explain(&error)))),
                    }),
                );
                Ok(())
            }
        }
    });
    let on_traffic = Callback::new(move |rate: f64| match check_traffic_rate(rate) {
        Ok(rate) => feed(
            Input::Traffic(rate),
            Box::new(move |e, did| match did {
                Ok(_) => {
                    notice.set(None);
                    refresh_all();
                }
                Err(error) => notice.set(Some(format!("Traffic: {}", e.explain(&error)))),
            }),
        ),
        Err(message) => notice.set(Some(message)),
    });
    let on_play = Callback::new(move |()| {
        let now_playing = !playing.get_untracked();
        playing.set(now_playing);
        if now_playing {
            caption("Playing. Pause, then Step, to follow one happening at a time.".into());
            say("Playing.".into());
        } else {
            say(format!(
                "Paused at {}.",
                crate::listing::clock_time(sim.with_value(Sim::now))
            ));
            // Paused: the clock and every view show the moment it stopped at once, not at
            // their next turn.
            set_clock_now.set(sim.with_value(Sim::now));
            refresh_all();
        }
    });
    let on_select_edge = Callback::new(move |edge: usize| {
        match tokens.with_value(|t| t.last_on_edge(edge)) {
            Some(id) => selected_message.set(Some(id)),
            // Said, not silent: from the keyboard nothing else would show that Enter worked.
            None => say("No message has travelled this edge yet in this run.".into()),
        }
    });
    let on_pick = Callback::new(move |at: Point| -> bool {
        let now = sim.with_value(Sim::now);
        let hit = geometry.with_value(|g| {
            tokens.with_value(|t| t.hit(g, now, reduced_motion(), at, PICK_RADIUS))
        });
        let Some(id) = hit else {
            return false;
        };
        selected_message.set(Some(id));
        #[cfg(feature = "bench")]
        if matches!(mode, Mode::Tokens(_)) {
            crate::bench_hooks::note_token_picked(id);
        }
        true
    });
    let on_select_service =
        Callback::new(move |index: ServiceIdx| selected_service.set(Some(index)));
    // From a log row straight to its payload, instead of tabbing through the log.
    let on_read_payload = Callback::new(move |()| {
        use wasm_bindgen::JsCast;
        if let Some(region) = find(".payload-inspector") {
            let _ = region.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    });

    let fetch_engine = move || {
        if engine_here.try_with_value(Option::is_none) == Some(true) {
            with_engine(Box::new(|_| {}));
        }
    };

    // The run, written out only by the parts that share, export or save it.
    let run = PageRun {
        model,
        config,
        journal,
        sim,
    };
    // A shared run is replayed onto the fresh start, which then waits, paused, where it was
    // shared. A run the model refuses leaves the fresh start, and says why.
    if let Some(inputs) = start.replay.clone() {
        let count = inputs.len();
        let open = move |e: &dyn Engine| match replay_run(e, inputs) {
            Ok(_) => {
                let at = crate::listing::clock_time(sim.with_value(Sim::now));
                Some(format!(
                    "Opened a shared link: {count} inputs replayed, paused at {at}. Press Play to go on."
                ))
            }
            Err((at, error)) => {
                notice.set(Some(format!(
                    "This link could not be replayed: its input {} was refused ({}). The model is loaded, fresh.",
                    at + 1,
                    e.explain(&error)
                )));
                None
            }
        };
        match engine_here.get_value() {
            Some(e) => first_caption = open(e).unwrap_or(first_caption),
            None => with_engine(Box::new(move |e| {
                if let Some(text) = open(e) {
                    caption(text);
                }
            })),
        }
    }
    let model_key = model.with_value(|m| m.key);
    let model_title = model.with_value(|m| m.title.clone());
    let file_stem = crate::loaded::file_slug(&model_title);

    // The selected message's causes and effects, which every view marks.
    let flow_live = live.lane(Lane::Flow);
    let chain = Memo::new(move |_| {
        let id = selected_message.get()?;
        flow_live.read(|sim| Chain::of(sim, id)).flatten()
    });
    let stage_view = RwSignal::new(StageView::default());
    let sequence_shown = move || stage_view.get().shows_sequence();
    let (visible_window, set_visible_window) = signal(None::<Window>);
    let scenarios = model.with_value(|m| m.scenarios());

    // Escape leaves Present mode from anywhere on the page; the letter keys are the
    // controls' shortcuts, except where a key is typed or means something already.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        fetch_engine();
        if ev.key() == "Escape" {
            crate::components::view_options::set_present(false);
        }
        if ev.ctrl_key()
            || ev.meta_key()
            || ev.alt_key()
            || ev.default_prevented()
            || types_text(&ev)
        {
            return;
        }
        match ev.key().as_str() {
            "p" | "P" => on_play.run(()),
            "s" | "S" => on_step.run(()),
            "b" | "B" => on_step_back.run(()),
            "r" | "R" => on_reset.run(()),
            "i" | "I" => on_read_payload.run(()),
            "d" | "D" => focus_first(".diagram [tabindex=\"0\"]", false),
            "?" => focus_first(".shortcuts-button", true),
            _ => return,
        }
        ev.prevent_default();
    });
    // A pointer over the page, or focus moving in it, is a person about to act: fetch the
    // engine now, so that their first input rarely waits for it.
    let pointer = window_event_listener_untyped("pointerover", move |_| fetch_engine());
    let focus = window_event_listener_untyped("focusin", move |_| fetch_engine());
    on_cleanup(move || {
        keys.remove();
        pointer.remove();
        focus.remove();
    });

    #[cfg(feature = "bench")]
    match mode {
        Mode::Tokens(_) => crate::bench_hooks::expose_bench_hooks(
            move || tokens.try_with_value(TokenLayer::len).unwrap_or(0),
            move |k| {
                let rect = token_canvas()?.get_bounding_client_rect();
                let now = sim.try_with_value(Sim::now)?;
                let at = tokens.try_with_value(|t| {
                    let n = t.len().max(1);
                    geometry.with_value(|g| t.placed(g, now, reduced_motion()).nth(k % n))
                })??;
                let p = crate::geometry::view_to_client(
                    at.at,
                    (rect.width(), rect.height()),
                    viewport.try_get_untracked()?,
                );
                Some((rect.left() + p.x, rect.top() + p.y))
            },
        ),
        Mode::SimThroughput => request_animation_frame(move || {
            config.with_value(crate::bench_hooks::run_sim_benchmark)
        }),
        Mode::Airline => {}
    }

    // The page is built over tasks, each short enough not to block input while the page
    // loads (in one task it took 45 to 80 ms on a busy two-core machine): the header and
    // the controls; then the diagram (taking over the drawing prerendered into index.html)
    // and its legend; then the narration, the table view and the panels around them. In
    // place of the boot page the page is built hidden and shown, whole, in the frame that
    // removes the boot page, so nothing moves or flashes; a page for another model draws
    // its diagram at once. Every later place is fixed by the layout.
    let hidden_at_first = in_place_of.is_some();
    let prerendered = in_place_of
        .as_ref()
        .and_then(|boot| boot.query_selector(".diagram-svg").ok().flatten());
    let (drawn, set_drawn) = signal(!hidden_at_first);
    let (built, set_built) = signal(false);
    let build_panels = move || {
        set_timeout(
            move || {
                let _ = set_built.try_set(true);
            },
            std::time::Duration::ZERO,
        )
    };
    match in_place_of {
        None => build_panels(),
        Some(boot) => set_timeout(
            move || {
                if set_drawn.try_set(true).is_some() {
                    return; // the page is gone
                }
                // In this task, with the Diagram taking the boot page's drawing over, so
                // no frame shows neither.
                boot.remove();
                if let Some(root) = page.get_untracked() {
                    root.set_hidden(false);
                }
                build_panels();
            },
            std::time::Duration::ZERO,
        ),
    }
    let panels_ready = move || built.get();

    let panels_live = live.lane(Lane::Panels);
    let traffic = Signal::derive(move || live.read(Sim::traffic).unwrap_or(0.0));
    let clock = move || crate::listing::clock_time(clock_now.get());
    let in_flight = move || live.read(Sim::in_flight).unwrap_or(0);

    // The log lists what the run did, so it comes with the engine (see `engine.rs`); until
    // then it is its own empty page, the same elements in the same places. Filters set
    // meanwhile hold, and a control of it in focus hands the focus to the same control.
    let log_handles = LogHandles {
        live: live.lane(Lane::Log),
        selected: selected_message,
        chain: chain.into(),
        preview: previewed_message.write_only(),
        place: log_place,
        filter: log_filter,
        on_read_payload,
    };
    let message_log = move || match engine_arrived.get().then(|| engine_here.get_value()) {
        Some(Some(e)) => {
            if let Some(control) = focused_log_control() {
                request_animation_frame(move || focus_first(&control, false));
            }
            Either::Left(e.message_log(log_handles))
        }
        _ => {
            let markup = live
                .peek(|sim| {
                    let ids: Vec<String> = sim
                        .topology()
                        .services()
                        .iter()
                        .map(|s| s.id.clone())
                        .collect();
                    log_at_rest(&ids, &log_filter.get_untracked())
                })
                .unwrap_or_default();
            Either::Right(view! {
                <section
                    class="panel message-log"
                    aria-label="Message log"
                    inner_html=markup
                    on:change=move |ev| log_filter.update(|f| *f = filter_changed(&ev, f))
                ></section>
            })
        }
    };

    view! {
        <div class="app" node_ref=page hidden=hidden_at_first>
            <header class="app-header">
                <div class="brand" inner_html=BRAND></div>
                <p class="clock" aria-live="off">
                    <span class="clock-label">"Simulated time "</span>
                    <time class="clock-time">{clock}</time>
                    <span class="in-flight">{move || match in_flight() {
                        1 => " · 1 token in flight".to_string(),
                        n => format!(" · {} tokens in flight", crate::listing::grouped(n)),
                    }}</span>
                </p>
                <ModelPicker current=model_key title=model_title run on_start on_invalid />
            </header>
            <section class="top-bar" aria-label="Playback and view">
            <Controls
                playing
                speed
                traffic
                on_play
                on_step
                on_step_back
                on_reset
                scenarios
                on_scenario
                traffic_available=is_airline
                on_traffic
            />
            <div class="caption-row">
                // A status, as an automation finds it, but silent: narration speaks the
                // same step, and a second live region would say it twice.
                <p class="step-caption" role="status" aria-live="off">{first_caption}</p>
                <ViewOptions stage_view=stage_view.write_only() reduce_motion />
                <FlowExports selected=selected_message window=visible_window run file_stem />
                <ShareLink run run_replaced />
            </div>
            </section>
            <Notice message=notice />
            <main class="workspace">
                <div
                    class="stage"
                    class:both=move || stage_view.get() == StageView::Both
                    class:sequence-only=move || stage_view.get() == StageView::Sequence
                    class:table-only=move || stage_view.get() == StageView::Table
                >
                    <Show when=move || drawn.get()>
                        <Diagram
                            live
                            geometry
                            selected_service
                            marked_message
                            chain
                            on_select_service
                            on_select_edge
                            on_pick
                            viewport
                            prerendered=prerendered.clone()
                        />
                        <Legend />
                    </Show>
                    <Show when=sequence_shown>
                        {part_holder(Box::pin(on_demand!(sequence_view_part(flow_live, selected_message, chain.into(), set_visible_window))))}
                    </Show>
                    <Show when=panels_ready>
                        // Under the diagram, not above it: the words are for listening
                        // first, and the diagram keeps its place at first paint. Nothing is
                        // said before a person acts, so the live region comes with the
                        // panels. (The sequence view, before it here, is placed by the
                        // stage's layout wherever it shows.)
                        <div class="narration-row panel">
                            <Narration said=said narrate />
                            <KeyboardShortcuts />
                        </div>
                        <DiagramTable live=panels_live shown=Signal::derive(move || stage_view.get() == StageView::Table) />
                        <TracePanel live=flow_live selected=selected_message chain />
                        {is_airline.then(|| view! { <WhatIf on_preset playing=playing_preset /> })}
                        <ServiceInspector live=panels_live selected=selected_service on_fault on_invalid />
                        <DeadLetters live=panels_live on_dead_letter />
                        <Composer live=panels_live model on_send=on_compose />
                        {declared.map(|open| part_holder(Box::pin(on_demand!(model_editor_part(model, open, on_start, on_invalid)))))}
                    </Show>
                </div>
                <aside class="side">
                    <Show when=panels_ready>
                        <PayloadInspector live=panels_live selected=selected_message />
                        {message_log}
                    </Show>
                </aside>
            </main>
        </div>
    }
}

/// While playing, narration speaks at most this often, in milliseconds of real time.
const NARRATION_EVERY_MS: f64 = 4_000.0;

/// Focuses the first element matching `selector`, or clicks it.
fn focus_first(selector: &str, click: bool) {
    use wasm_bindgen::JsCast;
    if let Some(element) = document().query_selector(selector).ok().flatten() {
        let element = element.unchecked_into::<web_sys::HtmlElement>();
        if click {
            element.click();
        } else {
            let _ = element.focus();
        }
    }
}

/// The selector of the message log's control in focus (a filter or a pager button), if
/// the focus is in the log.
fn focused_log_control() -> Option<String> {
    let focused = document().active_element()?;
    focused.closest(".message-log").ok().flatten()?;
    ["data-filter", "data-pager"].into_iter().find_map(|name| {
        let value = focused.get_attribute(name)?;
        Some(format!(".message-log [{name}=\"{value}\"]"))
    })
}

/// Whether a key pressed at `ev`'s target would type text there, so it is no shortcut.
fn types_text(ev: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| {
            let typed_into = match e.tag_name().as_str() {
                // A checkbox, a slider or a button takes no letters.
                "INPUT" => !matches!(
                    e.get_attribute("type").as_deref(),
                    Some("checkbox" | "radio" | "range" | "button" | "submit" | "reset" | "file")
                ),
                tag => tag == "TEXTAREA" || tag == "SELECT",
            };
            typed_into || e.closest("[contenteditable]").ok().flatten().is_some()
        })
}

/// The name, what Contrail shows whatever the model (the model picker beside it names the
/// system), and links to Raphael De Lio's article, where the airline and its messages come
/// from, and to the README: fixed markup, which costs the page less than a view of each part.
const BRAND: &str = concat!(
    r#"<h1>Contrail</h1><p class="tagline">Commands, events and queries, simulated</p>"#,
    r#"<nav class="about" aria-label="About Contrail">"#,
    r#"<a href="https://dev.to/raphaeldelio/the-3-mechanisms-of-interaction-between-microservices-command-query-and-event-5029" rel="noopener" target="_blank">The article</a>"#,
    r#"<a href="README.md" target="_blank">README</a></nav>"#,
);

/// The traffic rate asked for, in bookings per simulated second (0 stops traffic), if the
/// simulation can run it.
pub fn check_traffic_rate(rate: f64) -> Result<f64, String> {
    if rate.is_nan() {
        return Err("Traffic rate must be a number of bookings per second.".into());
    }
    if !(0.0..=TRAFFIC_MAX).contains(&rate) {
        return Err(format!(
            "Traffic rate must be between 0 and {} bookings per second, not {}.",
            crate::sim::plain(TRAFFIC_MAX, 3),
            crate::sim::plain(rate, 3)
        ));
    }
    Ok(rate)
}

#[cfg(test)]
mod tests {
    use super::check_traffic_rate;

    #[test]
    fn traffic_rates_are_checked_before_they_reach_the_simulation() {
        assert_eq!(check_traffic_rate(2.5), Ok(2.5));
        assert_eq!(check_traffic_rate(0.0), Ok(0.0));
        assert_eq!(check_traffic_rate(50.0), Ok(50.0));
        assert!(check_traffic_rate(f64::NAN)
            .unwrap_err()
            .contains("must be a number"));
        assert!(check_traffic_rate(-1.0).unwrap_err().contains("not -1."));
        assert!(check_traffic_rate(1e9)
            .unwrap_err()
            .contains("between 0 and 50"));
        assert!(check_traffic_rate(f64::INFINITY).is_err());
    }
}
