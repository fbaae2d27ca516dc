//! The small SQL interface the store's logic is written against once, with two
//! implementations: SQLite (rusqlite) and PostgreSQL (tokio-postgres, blocked on).
//!
//! SQL is written with numbered `?N` placeholders, which SQLite reads as they are and the
//! PostgreSQL side rewrites to `$N`. Both backends cache prepared statements per
//! connection, so a statement in a loop is parsed once. Results are read into owned rows:
//! the store's queries return a handful of rows, and the one that walks the whole archive
//! (re-extraction) pages through it.

use crate::StoreError;
use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// One SQL value, as both backends store it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Int(v as i64)
    }
}
impl From<usize> for Value {
    fn from(v: usize) -> Self {
        Value::Int(v as i64)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Blob(v.to_vec())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// The arguments of one statement: `args![a, b]` is `&[Value::from(a), Value::from(b)]`.
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$($crate::db::Value::from($v)),*] };
}
pub(crate) use args;

/// One result row, read by column index.
#[derive(Debug, Clone)]
pub(crate) struct Row(Vec<Value>);

impl Row {
    fn get(&self, i: usize) -> Result<&Value, StoreError> {
        self.0
            .get(i)
            .ok_or_else(|| StoreError::Column(format!("column {i} is not in the result")))
    }

    fn wrong(i: usize, want: &str, got: &Value) -> StoreError {
        let got = match got {
            Value::Null => "NULL",
            Value::Int(_) => "an integer",
            Value::Text(_) => "text",
            Value::Blob(_) => "bytes",
        };
        StoreError::Column(format!("column {i}: expected {want}, found {got}"))
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.get(i)? {
            Value::Null => Ok(None),
            Value::Text(s) => Ok(Some(s.clone())),
            other => Err(Self::wrong(i, "text", other)),
        }
    }

    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        self.opt_text(i)?
            .ok_or_else(|| Self::wrong(i, "text", &Value::Null))
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.get(i)? {
            Value::Null => Ok(None),
            Value::Int(n) => Ok(Some(*n)),
            other => Err(Self::wrong(i, "an integer", other)),
        }
    }

    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        self.opt_int(i)?
            .ok_or_else(|| Self::wrong(i, "an integer", &Value::Null))
    }

    /// Bytes, whatever the storage class: a tampered SQLite row may hold TEXT where the
    /// archive wrote a BLOB, and verification must still read it.
    pub fn blob(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        match self.get(i)? {
            Value::Blob(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.as_bytes().to_vec()),
            Value::Null => Ok(Vec::new()),
            other => Err(Self::wrong(i, "bytes", other)),
        }
    }
}

/// What the store's logic needs from a connection or an open transaction.
pub(crate) trait Db {
    /// Runs one statement; returns the number of rows it changed.
    fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, StoreError>;

    /// Runs one query and reads all its rows.
    fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError>;

    /// Runs several statements without arguments (schema changes, bulk deletes).
    fn batch(&self, sql: &str) -> Result<(), StoreError>;

    /// Runs a statement whose result is not needed. In a PostgreSQL transaction it waits
    /// to go out with the next statement (pipelined), so its failure is reported there,
    /// failing the same transaction; elsewhere it runs at once.
    fn write(&self, sql: &str, args: &[Value]) -> Result<(), StoreError> {
        self.execute(sql, args).map(drop)
    }

    /// Runs queries that do not depend on each other and reads all their rows. On
    /// PostgreSQL they go out together (pipelined): one round trip for all.
    fn query_all(&self, queries: &[(&str, &[Value])]) -> Result<Vec<Vec<Row>>, StoreError> {
        queries
            .iter()
            .map(|(sql, args)| self.query(sql, args))
            .collect()
    }

    /// Sends queries that do not depend on each other and returns without waiting for
    /// them; [`Db::receive`] reads their rows. The rows are as of the call: statements
    /// run after it are not seen. On PostgreSQL the server runs them while the caller
    /// goes on; elsewhere they run at once.
    fn send(&self, queries: &[(&str, &[Value])]) -> Result<Sent, StoreError> {
        Ok(Sent::Rows(self.query_all(queries)?))
    }

    /// The rows of queries sent by [`Db::send`] on this connection.
    fn receive(&self, sent: Sent) -> Result<Vec<Vec<Row>>, StoreError> {
        match sent {
            Sent::Rows(rows) => Ok(rows),
            Sent::Pending(_) => Err(StoreError::Column(
                "rows asked of a connection that did not send their queries".into(),
            )),
        }
    }

    /// The first row of a query, if any.
    fn query_opt(&self, sql: &str, args: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// The first row of a query that always returns one (an aggregate).
    fn query_one(&self, sql: &str, args: &[Value]) -> Result<Row, StoreError> {
        self.query_opt(sql, args)?
            .ok_or_else(|| StoreError::Column(format!("no row from: {sql}")))
    }

    /// True when the query returns a row.
    fn exists(&self, sql: &str, args: &[Value]) -> Result<bool, StoreError> {
        Ok(self.query_opt(sql, args)?.is_some())
    }

    /// True on PostgreSQL: for the few queries whose SQL differs (JSON functions).
    fn is_postgres(&self) -> bool {
        false
    }
}

impl<T: Db + ?Sized> Db for &T {
    fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, StoreError> {
        (**self).execute(sql, args)
    }
    fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        (**self).query(sql, args)
    }
    fn batch(&self, sql: &str) -> Result<(), StoreError> {
        (**self).batch(sql)
    }
    fn write(&self, sql: &str, args: &[Value]) -> Result<(), StoreError> {
        (**self).write(sql, args)
    }
    fn query_all(&self, queries: &[(&str, &[Value])]) -> Result<Vec<Vec<Row>>, StoreError> {
        (**self).query_all(queries)
    }
    fn send(&self, queries: &[(&str, &[Value])]) -> Result<Sent, StoreError> {
        (**self).send(queries)
    }
    fn receive(&self, sent: Sent) -> Result<Vec<Vec<Row>>, StoreError> {
        (**self).receive(sent)
    }
    fn is_postgres(&self) -> bool {
        (**self).is_postgres()
    }
}

/// Queries sent by [`Db::send`]: their rows, or where to find them once they come.
#[must_use = "the rows of sent queries are read with `Db::receive`"]
pub(crate) enum Sent {
    Rows(Vec<Vec<Row>>),
    Pending(usize),
}

// ---- SQLite ----

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(n) => ValueRef::Integer(*n),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

impl Db for rusqlite::Connection {
    fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, StoreError> {
        let mut stmt = self.prepare_cached(sql)?;
        Ok(stmt.execute(rusqlite::params_from_iter(args))? as u64)
    }

    fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.prepare_cached(sql)?;
        let width = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(match row.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::Int(n),
                    ValueRef::Real(f) => Value::Int(f as i64),
                    ValueRef::Text(t) => match std::str::from_utf8(t) {
                        Ok(s) => Value::Text(s.to_string()),
                        Err(_) => Value::Blob(t.to_vec()),
                    },
                    ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                });
            }
            out.push(Row(values));
        }
        Ok(out)
    }

    fn batch(&self, sql: &str) -> Result<(), StoreError> {
        Ok(self.execute_batch(sql)?)
    }
}

// ---- PostgreSQL ----

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        match self {
            Value::Null => Ok(postgres::types::IsNull::Yes),
            Value::Int(n) if *ty == Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
            Value::Int(n) if *ty == Type::INT2 => i16::try_from(*n)?.to_sql(ty, out),
            Value::Int(n) if *ty == Type::INT8 => n.to_sql(ty, out),
            // A number bound where the column is text is written as SQLite would keep it.
            Value::Int(n) => n.to_string().to_sql(ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        // Checked per value in `to_sql`: a NULL fits any column.
        true
    }

    postgres::types::to_sql_checked!();
}

/// `?N` placeholders to PostgreSQL's `$N`.
fn pg_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes `rows` of `width` values each with `insert` (`INSERT INTO t(…) VALUES`), in
/// statements of a power of two rows up to `most`, so that a handful of prepared
/// statements serve a run of any length. Rows go in their order.
pub(crate) fn insert_rows(
    db: &dyn Db,
    insert: &str,
    width: usize,
    rows: &[Vec<Value>],
    most: usize,
) -> Result<(), StoreError> {
    let mut rest = rows;
    while !rest.is_empty() {
        let n = most.min(1 << rest.len().ilog2());
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        let values = (0..n)
            .map(|i| {
                let row = (1..=width)
                    .map(|c| format!("?{}", i * width + c))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("({row})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let args: Vec<Value> = chunk.iter().flatten().cloned().collect();
        debug_assert_eq!(args.len(), n * width);
        db.write(&format!("{insert} {values}"), &args)?;
    }
    Ok(())
}

/// `width` placeholders (`?1` … `?width`, each written by `each`, e.g. `(?1)`) and
/// `values` in chunks of that width, the short last one padded with NULL: one prepared
/// statement serves every chunk.
pub(crate) fn fixed_width(
    values: impl IntoIterator<Item = Value>,
    width: usize,
    each: fn(usize) -> String,
) -> (String, Vec<Vec<Value>>) {
    let list = (1..=width).map(each).collect::<Vec<_>>().join(", ");
    let values: Vec<Value> = values.into_iter().collect();
    let chunks = values
        .chunks(width)
        .map(|chunk| {
            let mut args = chunk.to_vec();
            args.resize(width, Value::Null);
            args
        })
        .collect();
    (list, chunks)
}

/// One PostgreSQL connection: a tokio-postgres client on a single-threaded runtime of its
/// own, which every call blocks on (as the synchronous `postgres` crate does), with its
/// prepared statements by SQL.
pub(crate) struct PgConn {
    runtime: tokio::runtime::Runtime,
    client: tokio_postgres::Client,
    statements: RefCell<HashMap<String, tokio_postgres::Statement>>,
}

impl PgConn {
    /// Connects to `url` without TLS. The connection is a task of the runtime, so it
    /// moves only while a call blocks on the runtime.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(StoreError::Runtime)?;
        let (client, connection) =
            runtime.block_on(tokio_postgres::connect(url, tokio_postgres::NoTls))?;
        // A connection that fails makes every later request fail with its error.
        runtime.spawn(async move {
            let _ = connection.await;
        });
        Ok(PgConn {
            runtime,
            client,
            statements: RefCell::default(),
        })
    }

    /// Reads and writes outside a transaction.
    pub fn reader(&self) -> PgClient<'_> {
        PgClient { conn: self }
    }

    /// Runs `f` in a transaction: committed when `f` and every statement it gave
    /// succeed, rolled back otherwise.
    pub fn in_transaction<T>(
        &mut self,
        f: impl FnOnce(&PgTransaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let PgConn {
            runtime,
            client,
            statements,
        } = self;
        // Dropped without a commit (an early return), the transaction rolls back.
        let tx = runtime.block_on(client.transaction())?;
        let out = {
            let db = PgTransaction {
                runtime,
                statements,
                tx: &tx,
                deferred: RefCell::default(),
                launched: RefCell::default(),
                reads: RefCell::default(),
            };
            let out = f(&db)?;
            db.after_writes(async { Ok(()) })?;
            out
        };
        runtime.block_on(tx.commit())?;
        Ok(out)
    }
}

/// The statement for `sql`, prepared on first use.
async fn pg_statement<C: tokio_postgres::GenericClient>(
    client: &C,
    cache: &RefCell<HashMap<String, tokio_postgres::Statement>>,
    sql: &str,
) -> Result<tokio_postgres::Statement, StoreError> {
    let cached = cache.borrow().get(sql).cloned();
    if let Some(stmt) = cached {
        return Ok(stmt);
    }
    let stmt = client.prepare(&pg_sql(sql)).await?;
    cache.borrow_mut().insert(sql.to_string(), stmt.clone());
    Ok(stmt)
}

fn pg_params(args: &[Value]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    args.iter().map(|a| a as _).collect()
}

fn pg_value(row: &tokio_postgres::Row, i: usize) -> Result<Value, StoreError> {
    use postgres::types::Type;
    let ty = row.columns()[i].type_();
    Ok(if *ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?
            .map_or(Value::Null, Value::Int)
    } else if *ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)?
            .map_or(Value::Null, |n| Value::Int(n.into()))
    } else if *ty == Type::INT2 {
        row.try_get::<_, Option<i16>>(i)?
            .map_or(Value::Null, |n| Value::Int(n.into()))
    } else if *ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)?
            .map_or(Value::Null, |b| Value::Int(b.into()))
    } else if *ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)?
            .map_or(Value::Null, Value::Blob)
    } else {
        row.try_get::<_, Option<String>>(i)?
            .map_or(Value::Null, Value::Text)
    })
}

async fn pg_execute<C: tokio_postgres::GenericClient>(
    client: &C,
    cache: &RefCell<HashMap<String, tokio_postgres::Statement>>,
    sql: &str,
    args: &[Value],
) -> Result<u64, StoreError> {
    let stmt = pg_statement(client, cache, sql).await?;
    Ok(client.execute(&stmt, &pg_params(args)).await?)
}

async fn pg_query<C: tokio_postgres::GenericClient>(
    client: &C,
    cache: &RefCell<HashMap<String, tokio_postgres::Statement>>,
    sql: &str,
    args: &[Value],
) -> Result<Vec<Row>, StoreError> {
    let stmt = pg_statement(client, cache, sql).await?;
    pg_rows(&client.query(&stmt, &pg_params(args)).await?)
}

fn pg_rows(rows: &[tokio_postgres::Row]) -> Result<Vec<Row>, StoreError> {
    rows.iter()
        .map(|row| {
            let values = (0..row.len())
                .map(|i| pg_value(row, i))
                .collect::<Result<_, _>>()?;
            Ok(Row(values))
        })
        .collect()
}

/// A PostgreSQL connection used outside a transaction (reads, upkeep).
pub(crate) struct PgClient<'a> {
    conn: &'a PgConn,
}

impl Db for PgClient<'_> {
    fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, StoreError> {
        let c = self.conn;
        c.runtime
            .block_on(pg_execute(&c.client, &c.statements, sql, args))
    }
    fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        let c = self.conn;
        c.runtime
            .block_on(pg_query(&c.client, &c.statements, sql, args))
    }
    fn batch(&self, sql: &str) -> Result<(), StoreError> {
        let c = self.conn;
        Ok(c.runtime.block_on(c.client.batch_execute(sql))?)
    }
    fn is_postgres(&self) -> bool {
        true
    }
}

/// A request made to the server whose answer is read later.
type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + 'a>>;

/// The rows of several queries, in the order they were given.
type Answers = Vec<Vec<Row>>;

/// A sent request: its future until the answer is read, then the answer.
type Launched<'a, T> = futures_util::future::MaybeDone<Pending<'a, T>>;

/// An open PostgreSQL transaction, whose statements tokio-postgres pipelines: a request
/// goes out when its future is first polled, and the server answers them in order.
///
/// Statements given to [`Db::write`] wait, in order, and go out with the next request
/// (a statement that needs an answer, a [`Db::send`], the commit), so a document's
/// inserts cost the server its work but not a round trip each. Queries given to
/// [`Db::send`] go out at once, and the server runs them while the worker goes on.
pub(crate) struct PgTransaction<'a> {
    runtime: &'a tokio::runtime::Runtime,
    statements: &'a RefCell<HashMap<String, tokio_postgres::Statement>>,
    tx: &'a tokio_postgres::Transaction<'a>,
    /// Writes not yet sent.
    deferred: RefCell<Vec<Pending<'a, u64>>>,
    /// Writes sent, whose answers are unread.
    launched: RefCell<Vec<Launched<'a, u64>>>,
    /// Queries sent by [`Db::send`], by the number it returned; `None` once received.
    reads: RefCell<Vec<Option<Launched<'a, Answers>>>>,
}

impl<'a> PgTransaction<'a> {
    /// Polls every sent request once, reading what has come. Every sent request is
    /// polled at every wait: the connection hands each answer to its request, and stops
    /// reading (so nothing after it arrives) while an answer is not taken.
    fn poll_out(&self, cx: &mut Context<'_>) {
        for write in self.launched.borrow_mut().iter_mut() {
            let _ = Pin::new(write).poll(cx);
        }
        for read in self.reads.borrow_mut().iter_mut().flatten() {
            let _ = Pin::new(read).poll(cx);
        }
    }

    /// Sends the deferred writes (the first poll of each sends it, in the order written)
    /// and polls every request out.
    fn poll_sent(&self, cx: &mut Context<'_>) {
        self.launched.borrow_mut().extend(
            self.deferred
                .borrow_mut()
                .drain(..)
                .map(futures_util::future::maybe_done),
        );
        self.poll_out(cx);
    }

    /// Waits for `fut`, reading the answers of the requests out meanwhile; deferred
    /// writes stay unsent.
    fn wait<T>(&self, fut: impl Future<Output = T>) -> T {
        let mut fut = std::pin::pin!(fut);
        self.runtime.block_on(std::future::poll_fn(|cx| {
            self.poll_out(cx);
            fut.as_mut().poll(cx)
        }))
    }

    /// The statement for `sql`, prepared on first use.
    fn statement(&self, sql: &str) -> Result<tokio_postgres::Statement, StoreError> {
        self.wait(pg_statement(self.tx, self.statements, sql))
    }

    /// Reads the answers of every write, sends `next` after them and waits for its
    /// answer. A failed write is the result even when `next` fails too (as it will: the
    /// server refuses every statement of a failed transaction).
    fn after_writes<T>(
        &self,
        next: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let mut next = std::pin::pin!(futures_util::future::maybe_done(next));
        self.runtime.block_on(std::future::poll_fn(|cx| {
            self.poll_sent(cx);
            let next_done = next.as_mut().poll(cx).is_ready();
            let writes_done = self
                .launched
                .borrow()
                .iter()
                .all(|w| matches!(w, futures_util::future::MaybeDone::Done(_)));
            if next_done && writes_done {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
        for write in self.launched.borrow_mut().drain(..) {
            if let futures_util::future::MaybeDone::Done(Err(e)) = write {
                return Err(e);
            }
        }
        next.as_mut().take_output().unwrap_or_else(|| {
            Err(StoreError::Column(
                "a statement's answer went missing".into(),
            ))
        })
    }
}

impl Db for PgTransaction<'_> {
    fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, StoreError> {
        self.after_writes(pg_execute(self.tx, self.statements, sql, args))
    }
    fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        self.after_writes(pg_query(self.tx, self.statements, sql, args))
    }
    fn batch(&self, sql: &str) -> Result<(), StoreError> {
        self.after_writes(async { Ok(self.tx.batch_execute(sql).await?) })
    }
    fn query_all(&self, queries: &[(&str, &[Value])]) -> Result<Vec<Vec<Row>>, StoreError> {
        self.after_writes(futures_util::future::try_join_all(
            queries
                .iter()
                .map(|(sql, args)| pg_query(self.tx, self.statements, sql, args)),
        ))
    }
    fn write(&self, sql: &str, args: &[Value]) -> Result<(), StoreError> {
        let stmt = self.statement(sql)?;
        let tx = self.tx;
        let args = args.to_vec();
        self.deferred.borrow_mut().push(Box::pin(async move {
            Ok(tx.execute(&stmt, &pg_params(&args)).await?)
        }));
        Ok(())
    }
    fn send(&self, queries: &[(&str, &[Value])]) -> Result<Sent, StoreError> {
        // Prepared first, so that each request is queued when first polled, after the
        // writes before it.
        let mut prepared = Vec::with_capacity(queries.len());
        for (sql, args) in queries {
            let stmt = self.statement(sql)?;
            prepared.push((stmt, args.to_vec()));
        }
        let tx = self.tx;
        let read: Pending<'_, Answers> = Box::pin(async move {
            let answers = futures_util::future::try_join_all(
                prepared
                    .iter()
                    .map(|(stmt, args)| async move { tx.query(stmt, &pg_params(args)).await }),
            )
            .await?;
            answers.iter().map(|rows| pg_rows(rows)).collect()
        });
        let n = {
            let mut reads = self.reads.borrow_mut();
            reads.push(Some(futures_util::future::maybe_done(read)));
            reads.len() - 1
        };
        // Sends the deferred writes and the queries, and lets the connection task put
        // them on the wire before the worker goes on.
        self.runtime.block_on(async {
            std::future::poll_fn(|cx| {
                self.poll_sent(cx);
                Poll::Ready(())
            })
            .await;
            tokio::task::yield_now().await;
        });
        Ok(Sent::Pending(n))
    }
    fn receive(&self, sent: Sent) -> Result<Vec<Vec<Row>>, StoreError> {
        let n = match sent {
            Sent::Rows(rows) => return Ok(rows),
            Sent::Pending(n) => n,
        };
        let missing = || StoreError::Column(format!("no sent queries numbered {n}"));
        if self.reads.borrow().get(n).is_none_or(Option::is_none) {
            return Err(missing());
        }
        // Waits for these rows only: writes deferred since stay unsent.
        self.wait(std::future::poll_fn(|_| match self.reads.borrow().get(n) {
            Some(Some(futures_util::future::MaybeDone::Future(_))) => Poll::Pending,
            _ => Poll::Ready(()),
        }));
        let mut read = self.reads.borrow_mut()[n].take().ok_or_else(missing)?;
        Pin::new(&mut read).take_output().ok_or_else(missing)?
    }
    fn is_postgres(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_become_dollars() {
        assert_eq!(
            super::pg_sql("SELECT a FROM t WHERE b = ?1 OR c = ?12 AND d LIKE 'x:%'"),
            "SELECT a FROM t WHERE b = $1 OR c = $12 AND d LIKE 'x:%'"
        );
    }
}
