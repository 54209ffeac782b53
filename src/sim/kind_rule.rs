//! What decided a message's kind when a model came from elsewhere: the model keeps it, the
//! topology carries it to the diagram, and the page shows it beside each kind.

/// What decided a message's kind, strongest first: the rules an AsyncAPI import applies in
/// order, and the person's own choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindRule {
    /// The message's `x-eventcatalog-message-type`.
    Extension,
    /// An operation with a `reply` (request and response): a query.
    Reply,
    /// A tag named `command`, `event` or `query`.
    Tag,
    /// Who receives it: several receivers make an event, one receiver on a queue a command.
    Topology,
    /// Guessed from the name alone: verb-noun, past participle, Get/List/Find.
    Name,
    /// The person chose the kind.
    Override,
}

impl KindRule {
    /// Every rule, in the order an import tries them.
    pub const ALL: [KindRule; 6] = [
        KindRule::Extension,
        KindRule::Reply,
        KindRule::Tag,
        KindRule::Topology,
        KindRule::Name,
        KindRule::Override,
    ];

    /// The rule as the model and the page's `data-kind-rule` write it.
    pub fn as_str(self) -> &'static str {
        match self {
            KindRule::Extension => "extension",
            KindRule::Reply => "reply",
            KindRule::Tag => "tag",
            KindRule::Topology => "topology",
            KindRule::Name => "name",
            KindRule::Override => "override",
        }
    }

    /// The rule written as [`KindRule::as_str`] does.
    pub fn parse(text: &str) -> Option<KindRule> {
        KindRule::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Why the message has its kind, in words a learner reads.
    pub fn reason(self) -> &'static str {
        match self {
            KindRule::Extension => "stated by x-eventcatalog-message-type",
            KindRule::Reply => "an operation waits for a reply",
            KindRule::Tag => "from its tag",
            KindRule::Topology => "from who receives it",
            KindRule::Name => "guessed from its name",
            KindRule::Override => "chosen by you",
        }
    }
}
