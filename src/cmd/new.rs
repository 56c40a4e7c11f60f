//! `brief new`: a starter site, or a new briefing to fill in (the files
//! themselves are made by `scaffold`).

use std::path::PathBuf;

use clap::Subcommand;

use crate::scaffold;
use crate::terminal::Terminal;

#[derive(Subcommand, Debug)]
pub(super) enum NewCommand {
    /// Create a starter site with one sample briefing in DIR
    Site {
        /// The folder to create (must not exist, or be empty)
        dir: PathBuf,
    },
    /// Create content/briefings/<slug>.md with the front matter to fill in
    Briefing {
        /// The briefing's title; the file name (slug) is made from it
        title: String,
        /// The site's root folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

pub(super) fn execute(command: &NewCommand) -> anyhow::Result<()> {
    let terminal = Terminal::new(false);
    match command {
        NewCommand::Site { dir } => {
            let path = scaffold::new_site(dir)?;
            terminal.line(&format!("Created a new site in {}", path.display()));
            terminal.line(&format!(
                "Build it with: brief build --root {}",
                path.display()
            ));
            terminal.line(&format!(
                "Its sample briefing is a draft: see it with brief serve --drafts --root {}",
                path.display()
            ));
        }
        NewCommand::Briefing { title, root } => {
            let path = scaffold::new_briefing(root, title)?;
            terminal.line(&format!("Created {}", path.display()));
        }
    }
    Ok(())
}
