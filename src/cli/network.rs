//! `stancemark network`: a discourse network of the project, as DNA defines it, written as a
//! CSV matrix, GraphML, UCINET DL or stancemark's JSON.

use std::path::PathBuf;

use super::{Output, Stop, named_analysts, open};
use crate::analysis::discourse::{
    self, Aggregation, Field, Filter, Level, NetworkOptions, NetworkType, Normalization, Of,
};
use crate::analysis::network::Duplicates;
use crate::core::model::parse_article_date;

/// One-mode or two-mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TypeArg {
    /// Actor × actor through shared stances (or stance × stance with `--of stances`).
    Onemode,
    /// Actor × stance.
    Twomode,
}

/// Persons, or persons counted as their organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NodesArg {
    /// A person's statements count for their organisation (one without counts as themselves).
    #[value(alias = "organization")]
    Organisation,
    /// Each actor as coded.
    Person,
}

/// The nodes of a one-mode network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OfArg {
    /// Actors, linked through the stances they share.
    Actors,
    /// Stances, linked through the actors they share.
    Stances,
}

/// What the qualifier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QualifierArg {
    /// The position (+1 / 0 / −1, or the project's scale).
    Position,
    /// None: every statement alike.
    None,
}

/// How statements are weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AggregationArg {
    /// Whatever the position.
    Ignore,
    /// Agreement (one-mode).
    Congruence,
    /// Disagreement (one-mode).
    Conflict,
    /// Congruence − conflict (one-mode), supports − opposes (two-mode).
    Subtract,
    /// 0 none, 1 supports, 2 opposes, 3 both (two-mode).
    Combine,
}

/// How weights are normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NormalizationArg {
    /// As aggregated.
    #[value(alias = "none")]
    No,
    /// One-mode: by the pair's average activity.
    Average,
    /// One-mode: Jaccard.
    Jaccard,
    /// One-mode: cosine (DNA's definition).
    Cosine,
    /// Two-mode: by the actor's statements.
    Activity,
    /// Two-mode: by the stance's statements.
    Prominence,
}

/// Which repeated statements (same actor, stance and position) count once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DuplicatesArg {
    /// Every statement counts.
    Include,
    /// Once per article.
    Article,
    /// Once per ISO week.
    Week,
    /// Once per calendar month.
    Month,
    /// Once per calendar year.
    Year,
    /// Once in the whole range.
    Range,
}

/// The file format of a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NetworkFormat {
    /// A matrix: a header of column labels, one row per row node.
    Csv,
    /// GraphML (Gephi, networkx, igraph).
    Graphml,
    /// UCINET DL (full matrix, labels embedded).
    Dl,
    /// stancemark's JSON (`{"format": "stancemark-network", …}`), with time windows.
    Json,
}

/// The arguments of `stancemark network`.
#[derive(Debug, clap::Args)]
pub struct NetworkArgs {
    /// Project file or folder.
    pub project: PathBuf,
    /// One-mode (actor × actor or stance × stance) or two-mode (actor × stance).
    #[arg(long = "type", value_enum, default_value = "onemode")]
    pub kind: TypeArg,
    /// Actor nodes: organisations (a person counts as their organisation) or persons.
    #[arg(long, value_enum, default_value = "organisation")]
    pub nodes: NodesArg,
    /// The nodes of a one-mode network.
    #[arg(long, value_enum, default_value = "actors")]
    pub of: OfArg,
    /// The qualifier: the position, or none.
    #[arg(long, value_enum, default_value = "position")]
    pub qualifier: QualifierArg,
    /// One-mode: ignore, congruence (default), conflict, subtract; two-mode: ignore (default), subtract, combine.
    #[arg(long, value_enum)]
    pub aggregation: Option<AggregationArg>,
    /// One-mode: no, average, jaccard, cosine; two-mode: no, activity, prominence.
    #[arg(long, value_enum, default_value = "no")]
    pub normalization: NormalizationArg,
    /// Which repeated statements count once.
    #[arg(long, value_enum, default_value = "include")]
    pub duplicates: DuplicatesArg,
    /// Keep actors and stances of filtered-out statements as zero rows and columns.
    #[arg(long)]
    pub isolates: bool,
    /// Leave out this actor's statements (id, name or alias; repeatable).
    #[arg(long, value_name = "ACTOR")]
    pub exclude_actor: Vec<String>,
    /// Leave out this stance (id or label; repeatable).
    #[arg(long, value_name = "STANCE")]
    pub exclude_stance: Vec<String>,
    /// Leave out articles of this outlet (repeatable).
    #[arg(long, value_name = "OUTLET")]
    pub exclude_outlet: Vec<String>,
    /// Leave out articles of this type (repeatable).
    #[arg(long, value_name = "TYPE")]
    pub exclude_type: Vec<String>,
    /// Keep only these actors' statements (repeatable).
    #[arg(long, value_name = "ACTOR")]
    pub only_actor: Vec<String>,
    /// Keep only these stances (repeatable).
    #[arg(long, value_name = "STANCE")]
    pub only_stance: Vec<String>,
    /// Keep only articles of these outlets (repeatable).
    #[arg(long, value_name = "OUTLET")]
    pub only_outlet: Vec<String>,
    /// Keep only articles of these types (repeatable).
    #[arg(long, value_name = "TYPE")]
    pub only_type: Vec<String>,
    /// Only articles dated from this date on (YYYY[-MM[-DD]]).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only articles dated up to this date, inclusive (YYYY[-MM[-DD]]: the whole year, month or day).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Moving time windows of this width: N followed by d, w, m (days, weeks, months) or s (statements).
    #[arg(long, value_name = "N(d|w|m|s)", requires = "step")]
    pub window: Option<String>,
    /// How far each window moves on (same unit kind as --window).
    #[arg(long, value_name = "N(d|w|m|s)", requires = "window")]
    pub step: Option<String>,
    /// Only these analysts' layers (ids or names, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub analysts: Vec<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "csv")]
    pub format: NetworkFormat,
    /// Output file (written atomically); standard output when absent.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// The network options the arguments describe; a usage problem (an aggregation that does not
/// fit the type, a bad date or span) as `Err`.
pub fn options_of(args: &NetworkArgs) -> Result<NetworkOptions, String> {
    let kind = match args.kind {
        TypeArg::Onemode => NetworkType::OneMode,
        TypeArg::Twomode => NetworkType::TwoMode,
    };
    let aggregation = match args.aggregation {
        None if kind == NetworkType::OneMode => Aggregation::Congruence,
        None => Aggregation::Ignore,
        Some(AggregationArg::Ignore) => Aggregation::Ignore,
        Some(AggregationArg::Congruence) => Aggregation::Congruence,
        Some(AggregationArg::Conflict) => Aggregation::Conflict,
        Some(AggregationArg::Subtract) => Aggregation::Subtract,
        Some(AggregationArg::Combine) => Aggregation::Combine,
    };
    let normalization = match args.normalization {
        NormalizationArg::No => Normalization::None,
        NormalizationArg::Average => Normalization::Average,
        NormalizationArg::Jaccard => Normalization::Jaccard,
        NormalizationArg::Cosine => Normalization::Cosine,
        NormalizationArg::Activity => Normalization::Activity,
        NormalizationArg::Prominence => Normalization::Prominence,
    };
    let mut filters = Vec::new();
    for (values, field, only) in [
        (&args.exclude_actor, Field::Actor, false),
        (&args.exclude_stance, Field::Stance, false),
        (&args.exclude_outlet, Field::Outlet, false),
        (&args.exclude_type, Field::Type, false),
        (&args.only_actor, Field::Actor, true),
        (&args.only_stance, Field::Stance, true),
        (&args.only_outlet, Field::Outlet, true),
        (&args.only_type, Field::Type, true),
    ] {
        filters.extend(values.iter().map(|value| Filter {
            field,
            value: value.clone(),
            only,
        }));
    }
    let date = |flag: &str, text: &Option<String>, end: bool| -> Result<_, String> {
        text.as_deref()
            .map(|t| {
                let parsed = if end {
                    discourse::end_of_period(t)
                } else {
                    parse_article_date(t)
                };
                parsed.ok_or_else(|| {
                    format!("--{flag} {t:?} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
                })
            })
            .transpose()
    };
    let span = |flag: &str, text: &str| {
        discourse::parse_span(text).ok_or_else(|| {
            format!(
                "--{flag} {text:?} is not N followed by d, w, m or s (for example 30d, 2w, 1m, 50s)"
            )
        })
    };
    let window = match (&args.window, &args.step) {
        (Some(w), Some(s)) => Some((span("window", w)?, span("step", s)?)),
        _ => None,
    };
    let options = NetworkOptions {
        kind,
        of: match args.of {
            OfArg::Actors => Of::Actors,
            OfArg::Stances => Of::Stances,
        },
        level: match args.nodes {
            NodesArg::Organisation => Level::Organisation,
            NodesArg::Person => Level::Person,
        },
        qualifier: args.qualifier == QualifierArg::Position,
        aggregation,
        normalization,
        duplicates: match args.duplicates {
            DuplicatesArg::Include => Duplicates::Include,
            DuplicatesArg::Article => Duplicates::Article,
            DuplicatesArg::Week => Duplicates::Week,
            DuplicatesArg::Month => Duplicates::Month,
            DuplicatesArg::Year => Duplicates::Year,
            DuplicatesArg::Range => Duplicates::Range,
        },
        isolates: args.isolates,
        filters,
        from: date("from", &args.from, false)?,
        to: date("to", &args.to, true)?,
        window,
    };
    options.check().map_err(|e| e.to_string())?;
    Ok(options)
}

/// Runs `stancemark network`.
pub(super) fn network(args: NetworkArgs, output: &mut Output<'_>) -> Result<(), Stop> {
    let options = options_of(&args).map_err(Stop::Usage)?;
    let session = open(&args.project, &output.analyst)?;
    let project = if args.analysts.is_empty() {
        session.project().clone()
    } else {
        let keep = named_analysts(session.project(), &args.analysts)?;
        session.project().only_layers(|who| keep.contains(who))
    };
    let built = discourse::build(&project, &options).map_err(|e| Stop::Usage(e.to_string()))?;
    let report = &built.report;
    if report.without_actor > 0 {
        output.warn(&format!(
            "{} annotation(s) name no actor and are not statements",
            report.without_actor
        ));
    }
    if report.without_position > 0 {
        output.warn(&format!(
            "{} statement(s) have no position and count as neutral",
            report.without_position
        ));
    }
    if !report.undated.is_empty()
        && (options.from.is_some() || options.to.is_some() || options.window.is_some())
    {
        output.warn(&format!(
            "{} article(s) have no readable date (YYYY[-MM[-DD]]) and are left out of the date range and windows: {}",
            report.undated.len(),
            report.undated.join("; ")
        ));
    }
    output.note(&format!(
        "{} statement(s) counted ({} filtered out, {} duplicate(s)); {} × {} nodes{}",
        report.statements,
        report.filtered_out,
        report.duplicates,
        built.network.rows.len(),
        built.network.columns.len(),
        if built.network.windows.is_empty() {
            String::new()
        } else {
            format!(", {} window(s)", built.network.windows.len())
        }
    ));
    let text = match args.format {
        NetworkFormat::Csv => built.network.to_csv(),
        NetworkFormat::Graphml => built.network.to_graphml(),
        NetworkFormat::Dl => built.network.to_dl(),
        NetworkFormat::Json => built.network.to_json() + "\n",
    };
    match &args.output {
        Some(path) => {
            crate::session::files::write_file(path, text.as_bytes())
                .map_err(|e| Stop::Error(format!("{}: {e}", path.display())))?;
            output.note(&format!("wrote {}", path.display()));
            Ok(())
        }
        None => output.write(&text),
    }
}
