//! `recount serve` and `recount token create | list | revoke`.

use crate::ledger::Keys;
use anyhow::{bail, Context, Result};
use recount_store::{Role, Store};
use recount_web::{AppState, Config};
use std::net::SocketAddr;
use std::time::Duration;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; loopback unless you mean to expose it.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Reads need a token too (default: anyone who can reach the server may read).
    #[arg(long)]
    pub private: bool,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body: usize,
    /// Longest a request may take, in seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Longest a client may take to send a request's line and headers, in seconds (an
    /// idle kept-alive connection is closed after as long).
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub header_timeout: u64,
}

#[derive(clap::Subcommand)]
pub enum TokenCommand {
    /// Make a token and print its secret (shown this once; only its sha256 is stored).
    Create {
        /// reader, editor or admin
        #[arg(long)]
        role: String,
        /// Who holds it: shown as who made each review action done with it.
        #[arg(long)]
        name: String,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by name.
    Revoke {
        /// The name it was created with.
        name: String,
    },
}

pub fn serve(
    store: Box<dyn Store + Send>,
    keys: Keys,
    args: &ServeArgs,
    index: &std::path::Path,
) -> Result<()> {
    let mut store = store;
    // Publish what is there before serving proofs against it.
    store.checkpoint(&recount_store::Signer {
        origin: &keys.origin,
        key: &keys.key,
    })?;
    if !args.addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {} — anyone who can reach it can{} read",
            args.addr,
            if args.private { " try to" } else { "" }
        );
    }
    let state = AppState::new(
        store,
        Config {
            public_reads: !args.private,
            signer: Some((keys.origin, keys.key)),
            max_body: args.max_body,
            timeout: Duration::from_secs(args.timeout),
            header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        },
    )
    .with_search(
        recount_search::SearchIndex::open_or_create(index).context("opening the search index")?,
    );
    let runtime = tokio_runtime()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("listening on {}", args.addr))?;
        // The real address (port 0 picks a free one): tests and scripts read this line.
        println!("listening on http://{}", listener.local_addr()?);
        recount_web::serve(listener, state).await.context("serving")
    })
}

fn tokio_runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")
}

pub fn token(store: &mut dyn Store, cmd: &TokenCommand) -> Result<()> {
    match cmd {
        TokenCommand::Create { role, name } => {
            let role: Role = role
                .parse()
                .map_err(|e: String| anyhow::anyhow!("--role: {e}"))?;
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
                bail!("--name: 1 to 64 printable characters");
            }
            let secret = recount_web::new_secret();
            store.create_token(name, role, &recount_web::hash_secret(&secret))?;
            eprintln!(
                "token '{name}' ({}) created; its secret, shown only now:",
                role.as_str()
            );
            println!("{secret}");
        }
        TokenCommand::List => {
            for t in store.tokens()? {
                println!(
                    "{}\t{}\t{}\t{}",
                    t.name,
                    t.role.as_str(),
                    t.created_at,
                    t.revoked_at
                        .map_or("live".to_string(), |r| format!("revoked {r}"))
                );
            }
        }
        TokenCommand::Revoke { name } => {
            if !store.revoke_token(name)? {
                bail!("no live token named '{name}'");
            }
            println!("revoked {name}");
        }
    }
    Ok(())
}
