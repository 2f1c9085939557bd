//! The concentration-risk and compliance commands: `concentration`, `sweep`, `check`, `advise`
//! and `export dora`. Flags and files here; the analyses live in `blastradius-analysis`, the
//! renderings in `blastradius-report`.

use std::path::PathBuf;

use blastradius_analysis::{SweepOptions, WhatIfIndex, concentration, sweep};
use blastradius_report::{Options, SweepRank};
use clap::{Subcommand, ValueEnum};

use crate::{Failure, Format, load, print};

/// The commands of this module, flattened into the top-level command list.
#[derive(Subcommand)]
pub(crate) enum PolicyCommand {
    /// Show how concentrated the critical functions are on providers, regions, zones and shared
    /// services: shares, single points of failure, Herfindahl index and hidden nth-party reach.
    #[command(after_help = CONCENTRATION_HELP)]
    Concentration {
        /// The model file (YAML).
        model: PathBuf,
        /// Show at most N provider nodes in the human table (0: all); JSON lists all.
        #[arg(long, value_name = "N", default_value_t = 25)]
        top: usize,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Fail every provider, region, zone, regional and global service in turn (and every pair
    /// with --order 2) and rank the outages by what they take down.
    #[command(after_help = SWEEP_HELP)]
    Sweep {
        /// The model file (YAML).
        model: PathBuf,
        /// 1: single outages; 2: also every pair of outages.
        #[arg(long, value_name = "K", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=2))]
        order: u32,
        /// Rank by cost per hour down or by users down.
        #[arg(long, value_enum, default_value_t = Rank::Cost)]
        rank: Rank,
        /// Show at most N outages per table (0: all); JSON lists all.
        #[arg(long, value_name = "N", default_value_t = 10)]
        top: usize,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

const CONCENTRATION_HELP: &str = "\
Definitions. Scope: the functions marked `critical: true` (all functions when none is).
A function reaches a node when the node is in the closure of the nodes delivering it over
dependencies that can bring it down (soft ones left out), parents included. A node's shares are
the reaching functions over the scope: counted, weighted by users, weighted by cost per hour.
It is a single point of failure for a function when failing it alone takes the function down.
Providers with the same `ultimate_parent` form one group (shown as an extra row). A function's
provider services are the provider nodes it reaches that are no other reached node's ancestor;
a group's share is the fraction of them it provides; the function's Herfindahl-Hirschman index
(HHI) is the sum of squared group shares, from 1/n (spread over n groups) to 1 (one group).
The overall HHI is that sum over the groups' mean shares across the scope. A node is reached
through third parties when a provider the components name (a SaaS) itself runs on it
(`runs_on` under the provider); 'only that way' when the function has no direct path to it.

JSON: {model, scope, total_users, total_cost_per_hour, group_shares, hhi, targets: [{id, kind,
group, reached_by, share: {count, users, cost}, single_point_of_failure_for,
single_point_of_failure_share, hidden_for, via}], functions: [{id, provider_services,
group_shares, hhi, single_points_of_failure}]}.

Example: blastradius concentration examples/saas-multi-region.yaml --top 10";

const SWEEP_HELP: &str = "\
Each outage fails one provider node (and everything that depends on it); at order 2, every pair.
A pair is listed only when it takes down a function that neither outage takes down alone
(redundancy defeated): other pairs are exactly the union of their two single outages. Users and
cost are summed over the functions down, as in `what-if`.

JSON: {model, order, ranked_by, singles: [{failed, down: {functions, users, cost_per_hour},
degraded, nodes_down}], pair_counts: {total, nested, independent, propagated}, pairs: [...]}.

Example: blastradius sweep examples/fintech-single-region.yaml --order 2 --top 5";

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Rank {
    /// Cost per hour down first.
    Cost,
    /// Users down first.
    Users,
}

impl PolicyCommand {
    /// The output format the command was asked for, for printing model errors.
    pub(crate) fn format(&self) -> Format {
        match self {
            Self::Concentration { format, .. } | Self::Sweep { format, .. } => *format,
        }
    }
}

/// Runs a command; `Ok(false)` when it found violations and must exit 1.
pub(crate) fn run(command: PolicyCommand, options: Options) -> Result<bool, Failure> {
    match command {
        PolicyCommand::Concentration { model, top, format } => {
            let (_, model) = load(&model)?;
            let result = concentration(&model, &WhatIfIndex::new(&model));
            print(&match format {
                Format::Human => {
                    blastradius_report::concentration_human(&model, &result, top, options)
                }
                Format::Json => blastradius_report::concentration_json(&model, &result),
            });
        }
        PolicyCommand::Sweep { model, order, rank, top, format } => {
            let (_, model) = load(&model)?;
            let result = sweep(&model, &WhatIfIndex::new(&model), SweepOptions { order });
            let rank = match rank {
                Rank::Cost => SweepRank::Cost,
                Rank::Users => SweepRank::Users,
            };
            print(&match format {
                Format::Human => {
                    blastradius_report::sweep_human(&model, &result, order, rank, top, options)
                }
                Format::Json => blastradius_report::sweep_json(&model, &result, order, rank),
            });
        }
    }
    Ok(true)
}
