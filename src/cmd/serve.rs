//! `brief serve`: build, serve the site on this machine, rebuild on every
//! save and reload the pages open in a browser (the server is in `serve`).

use clap::Args;

use super::build::BuildArgs;

#[derive(Args, Debug)]
pub(super) struct ServeArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// The port to serve on (0 picks a free one)
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// The address to serve on; anything but loopback lets other machines in
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
}

pub(super) fn execute(args: &ServeArgs) -> anyhow::Result<()> {
    let site = &args.build.site;
    let options = site.options(args.build.output.clone())?;
    crate::serve::serve(options, args.bind, args.port, site.terminal())
}
