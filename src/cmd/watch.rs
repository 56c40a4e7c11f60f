//! `brief watch`: build, then rebuild into the output folder on every save,
//! with no server (for a site served by something else).

use super::build::BuildArgs;

pub(super) fn execute(args: &BuildArgs) -> anyhow::Result<()> {
    let options = args.site.options(args.output.clone())?;
    crate::serve::watch(options, args.site.terminal())
}
