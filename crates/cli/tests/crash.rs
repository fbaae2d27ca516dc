//! Crash safety of `recount ingest`: a process killed with SIGKILL at any moment leaves a
//! database that verifies, and ingesting the same corpus again finishes the job with exactly
//! the record an uninterrupted run builds.
//!
//! The test writes a deterministic corpus of two thousand short Chinese and English reports
//! (mine accidents, factory strikes, village protests in real counties), ingests it once without
//! interruption into database A (the reference), then ingests it into database B again and again,
//! killing the process with SIGKILL after 50 ms, 200 ms, 500 ms, 1 s and at seeded random
//! moments. After every kill `recount verify` must exit 0 — a document committed without its log
//! leaf, or a leaf without its row, would fail it — and `recount incidents --format jsonl` must
//! still parse. A last uninterrupted ingest must succeed, report the committed documents as
//! duplicates, and leave B with the same export as A (every incident id and field but
//! `updated_at`). At least one kill must land while an ingest is still running, so the test
//! cannot pass vacuously: if every child finished on its own, the corpus grows and the run
//! starts over.
//!
//! It proves atomicity against the death of the process (the operating system still holds every
//! write SQLite handed it), not against power loss.
#![cfg(unix)]

use assert_cmd::Command;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_recount");

/// The signal `Child::kill` sends on Unix.
const SIGKILL: i32 = 9;

fn recount(db: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--db").arg(db);
    cmd
}

/// Runs a command to completion; panics with its output unless it exits 0.
fn run_ok(db: &Path, args: &[&str]) -> String {
    let out = recount(db).args(args).output().expect("recount runs");
    assert!(
        out.status.success(),
        "recount {args:?} exited {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Parses JSON Lines, panicking on the first bad line.
fn jsonl(text: &str, what: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{what} line {}: {e}: {l}", i + 1))
        })
        .collect()
}

/// The export keyed by incident id, without the volatile `updated_at`.
fn export(db: &Path) -> BTreeMap<String, Value> {
    let text = run_ok(db, &["export", "--format", "jsonl"]);
    let lines = jsonl(&text, "export");
    let n = lines.len();
    let map: BTreeMap<String, Value> = lines
        .into_iter()
        .map(|mut v| {
            let obj = v.as_object_mut().expect("each export line is an object");
            obj.remove("updated_at");
            let id = obj["id"].as_str().expect("an incident id").to_string();
            (id, v)
        })
        .collect();
    assert_eq!(map.len(), n, "the export repeats an incident id");
    map
}

/// The documents that back at least one exported incident.
fn source_docs(export: &BTreeMap<String, Value>) -> BTreeSet<String> {
    export
        .values()
        .flat_map(|v| v["sources"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| s["doc"].as_str().map(str::to_string))
        .collect()
}

/// `documents: N new, D duplicate, F failed; incidents: …` → (N, D, F).
fn summary(stdout: &str) -> (usize, usize, usize) {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("documents:"))
        .unwrap_or_else(|| panic!("no summary line in:\n{stdout}"));
    let num = |word: &str| -> usize {
        let before = line
            .split(&format!(" {word}"))
            .next()
            .and_then(|s| s.rsplit(' ').next())
            .unwrap_or_else(|| panic!("no '{word}' in {line}"));
        before
            .parse()
            .unwrap_or_else(|_| panic!("no count before '{word}' in {line}"))
    };
    (num("new,"), num("duplicate,"), num("failed;"))
}

/// `recount verify` must exit 0; returns the leaf count if its summary names one.
fn verify(db: &Path, when: &str) -> Option<usize> {
    let out = recount(db).arg("verify").output().expect("recount runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "recount verify failed {when} (exit {:?})\nstdout:\n{stdout}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    // "log: 123 leaves, …" when the summary has that shape.
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("log: "))
        .and_then(|rest| rest.split(" leaves").next())
        .and_then(|n| n.trim().parse().ok())
}

/// Documents in the corpus. They are short (about 1 KB), so release ingest runs at 350–600 a
/// second on a 2-core machine: 3–6 s in all, long enough for every fixed kill (50 ms … 1 s)
/// to land mid-ingest and short enough for the whole test to take well under a minute.
const CORPUS: usize = 2000;

/// What one attempt at a given corpus size showed.
struct Attempt {
    interrupted: usize,
    finished_alone: usize,
}

#[test]
fn killed_ingests_leave_a_verifiable_archive_and_resume_to_the_same_record() {
    let started = Instant::now();
    let mut size = CORPUS;
    for attempt in 1..=2 {
        let result = crash_and_resume(size, 0x5eed_0000 + attempt);
        eprintln!(
            "attempt {attempt}: {size} documents, {} kills mid-ingest, {} runs finished before their kill ({:.1?} so far)",
            result.interrupted,
            result.finished_alone,
            started.elapsed()
        );
        if result.interrupted > 0 {
            return;
        }
        // A machine fast enough to ingest everything before the first kill: grow the corpus.
        size *= 4;
    }
    panic!("no kill ever landed while an ingest was running: the test proved nothing");
}

fn crash_and_resume(size: usize, seed: u64) -> Attempt {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let t = Instant::now();
    let written = gen::write_corpus(&corpus, size, seed);
    assert_eq!(written, size);
    eprintln!("corpus: {size} documents in {:.1?}", t.elapsed());

    // Reference: one uninterrupted ingest.
    let db_a = dir.path().join("a.db");
    let t = Instant::now();
    let out = run_ok(&db_a, &["ingest", corpus.to_str().unwrap()]);
    let ref_time = t.elapsed();
    let (new_a, dup_a, failed_a) = summary(&out);
    eprintln!("reference ingest: {ref_time:.1?}: {}", out.trim());
    assert_eq!(
        (new_a, dup_a, failed_a),
        (size, 0, 0),
        "reference ingest: {out}"
    );
    let reference = export(&db_a);
    assert!(
        reference.len() >= size / 4,
        "only {} incidents from {size} documents",
        reference.len()
    );
    if let Some(leaves) = verify(&db_a, "on the reference database") {
        assert_eq!(leaves, size, "log leaves of the reference database");
    }

    // Crash runs into B: the same corpus, killed at fixed and seeded moments, resumed each time.
    let db_b = dir.path().join("b.db");
    let mut rng = gen::Rng::new(seed ^ 0xdead_beef);
    let mut delays: Vec<u64> = vec![50, 200, 500, 1000];
    // Two seeded moments, as fractions (5–35 %) of a full ingest on this machine.
    let full = ref_time.as_millis() as u64;
    delays.push(full * rng.range(5, 35) / 100);
    delays.push(full * rng.range(5, 35) / 100);
    let mut result = Attempt {
        interrupted: 0,
        finished_alone: 0,
    };
    // Documents in B: the log's leaf count when verify prints one, else a lower bound.
    let mut committed = 0usize;
    let mut exact = true;
    let t_crash = Instant::now();
    for (i, ms) in delays.iter().enumerate() {
        let mut child = std::process::Command::new(BIN)
            .arg("--db")
            .arg(&db_b)
            .arg("ingest")
            .arg(&corpus)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("recount ingest starts");
        std::thread::sleep(Duration::from_millis(*ms));
        let killed = match child.try_wait().expect("child status") {
            Some(status) => {
                assert!(status.success(), "crash run {i}: ingest exited {status}");
                false
            }
            None => {
                child.kill().expect("SIGKILL");
                let status = child.wait().expect("reaped");
                // It may still have exited on its own between `try_wait` and the signal.
                match status.signal() {
                    Some(SIGKILL) => true,
                    _ => {
                        assert!(status.success(), "crash run {i}: ingest exited {status}");
                        false
                    }
                }
            }
        };
        let when = if killed {
            result.interrupted += 1;
            format!("after SIGKILL at {ms} ms (crash run {i})")
        } else {
            result.finished_alone += 1;
            format!("after crash run {i}, which finished before its {ms} ms kill")
        };
        // The database opens, verifies, and lists its incidents.
        let leaves = verify(&db_b, &when);
        let listed = run_ok(&db_b, &["incidents", "--format", "jsonl"]);
        jsonl(&listed, "incidents");
        let now = export(&db_b);
        let docs = source_docs(&now);
        assert!(
            docs.is_subset(&source_docs(&reference)),
            "{when}: B cites documents the reference does not"
        );
        if let Some(leaves) = leaves {
            // Ingest logs one leaf per archived document and nothing else.
            assert!(
                leaves >= docs.len(),
                "{when}: {leaves} log leaves but {} documents back incidents",
                docs.len()
            );
        }
        let seen = leaves.unwrap_or(docs.len());
        assert!(
            seen >= committed,
            "{when}: committed documents went from {committed} to {seen}"
        );
        committed = seen;
        exact = leaves.is_some();
        eprintln!(
            "crash run {i} ({ms} ms): {}; {} documents committed, {} incidents",
            if killed {
                "killed mid-ingest"
            } else {
                "finished alone"
            },
            committed,
            now.len()
        );
    }
    eprintln!("crash runs: {:.1?}", t_crash.elapsed());

    // One uninterrupted ingest finishes the job.
    let t = Instant::now();
    let out = run_ok(&db_b, &["ingest", corpus.to_str().unwrap()]);
    eprintln!("final ingest: {:.1?}: {}", t.elapsed(), out.trim());
    let (new_b, dup_b, failed_b) = summary(&out);
    assert_eq!(failed_b, 0, "final ingest: {out}");
    assert_eq!(new_b + dup_b, size, "final ingest: {out}");
    if exact {
        assert_eq!(
            dup_b, committed,
            "final ingest: duplicates should be the {committed} documents already committed: {out}"
        );
    } else {
        assert!(
            dup_b >= committed,
            "final ingest saw {dup_b} duplicates but {committed} documents were committed: {out}"
        );
    }

    let resumed = export(&db_b);
    assert_eq!(
        resumed.len(),
        reference.len(),
        "incident count differs from the reference"
    );
    let missing: Vec<&String> = reference
        .keys()
        .filter(|k| !resumed.contains_key(*k))
        .collect();
    let extra: Vec<&String> = resumed
        .keys()
        .filter(|k| !reference.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "incident ids differ: missing {missing:?}, extra {extra:?}"
    );
    for (id, want) in &reference {
        assert_eq!(
            &resumed[id], want,
            "incident {id} differs from the reference"
        );
    }
    let leaves = verify(&db_b, "after the final ingest");
    if let Some(leaves) = leaves {
        assert_eq!(leaves, size, "log leaves after the final ingest");
    }
    result
}

/// A deterministic corpus of small, realistic reports.
mod gen {
    use std::collections::HashSet;
    use std::fmt::Write as _;
    use std::path::Path;

    /// SplitMix64: small, seeded, good enough to vary templates.
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Self {
            Rng(seed)
        }
        pub fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        /// Uniform in `lo..hi`.
        pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
            lo + self.next() % (hi - lo)
        }
        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.next() as usize % items.len()]
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.next() % 100 < percent
        }
    }

    /// A real county: Chinese and English names of county, prefecture and province.
    struct County {
        zh: &'static str,
        zh_pref: &'static str,
        zh_prov: &'static str,
        en: &'static str,
        en_pref: &'static str,
        en_prov: &'static str,
    }

    const fn c(
        zh: &'static str,
        zh_pref: &'static str,
        zh_prov: &'static str,
        en: &'static str,
        en_pref: &'static str,
        en_prov: &'static str,
    ) -> County {
        County {
            zh,
            zh_pref,
            zh_prov,
            en,
            en_pref,
            en_prov,
        }
    }

    const COUNTIES: &[County] = &[
        c("桐梓县", "遵义市", "贵州省", "Tongzi", "Zunyi", "Guizhou"),
        c("纳雍县", "毕节市", "贵州省", "Nayong", "Bijie", "Guizhou"),
        c(
            "沁源县",
            "长治市",
            "山西省",
            "Qinyuan",
            "Changzhi",
            "Shanxi",
        ),
        c(
            "左权县",
            "晋中市",
            "山西省",
            "Zuoquan",
            "Jinzhong",
            "Shanxi",
        ),
        c(
            "灵石县",
            "晋中市",
            "山西省",
            "Lingshi",
            "Jinzhong",
            "Shanxi",
        ),
        c("宁武县", "忻州市", "山西省", "Ningwu", "Xinzhou", "Shanxi"),
        c("柳林县", "吕梁市", "山西省", "Liulin", "Lüliang", "Shanxi"),
        c("府谷县", "榆林市", "陕西省", "Fugu", "Yulin", "Shaanxi"),
        c(
            "黄陵县",
            "延安市",
            "陕西省",
            "Huangling",
            "Yan'an",
            "Shaanxi",
        ),
        c("合阳县", "渭南市", "陕西省", "Heyang", "Weinan", "Shaanxi"),
        c("沛县", "徐州市", "江苏省", "Pei", "Xuzhou", "Jiangsu"),
        c("富源县", "曲靖市", "云南省", "Fuyuan", "Qujing", "Yunnan"),
        c("师宗县", "曲靖市", "云南省", "Shizong", "Qujing", "Yunnan"),
        c(
            "集贤县",
            "双鸭山市",
            "黑龙江省",
            "Jixian",
            "Shuangyashan",
            "Heilongjiang",
        ),
        c(
            "鸡东县",
            "鸡西市",
            "黑龙江省",
            "Jidong",
            "Jixi",
            "Heilongjiang",
        ),
        c("郏县", "平顶山市", "河南省", "Jia", "Pingdingshan", "Henan"),
        c("宜阳县", "洛阳市", "河南省", "Yiyang", "Luoyang", "Henan"),
        c(
            "微山县",
            "济宁市",
            "山东省",
            "Weishan",
            "Jining",
            "Shandong",
        ),
        c("新化县", "娄底市", "湖南省", "Xinhua", "Loudi", "Hunan"),
        c("古蔺县", "泸州市", "四川省", "Gulin", "Luzhou", "Sichuan"),
        c("筠连县", "宜宾市", "四川省", "Junlian", "Yibin", "Sichuan"),
        c(
            "博罗县",
            "惠州市",
            "广东省",
            "Boluo",
            "Huizhou",
            "Guangdong",
        ),
        c(
            "长兴县",
            "湖州市",
            "浙江省",
            "Changxing",
            "Huzhou",
            "Zhejiang",
        ),
    ];

    /// Name stems for mines, factories, towns and villages, in Chinese and pinyin.
    const STEMS: &[(&str, &str)] = &[
        ("大河", "Dahe"),
        ("新田", "Xintian"),
        ("龙凤", "Longfeng"),
        ("金沙", "Jinsha"),
        ("红岩", "Hongyan"),
        ("石门", "Shimen"),
        ("东风", "Dongfeng"),
        ("青山", "Qingshan"),
        ("兴隆", "Xinglong"),
        ("永安", "Yong'an"),
        ("富强", "Fuqiang"),
        ("宏达", "Hongda"),
        ("鑫源", "Xinyuan"),
        ("长岭", "Changling"),
        ("白沙", "Baisha"),
        ("黑山", "Heishan"),
    ];

    const REPORTERS_ZH: &[&str] = &["王磊", "李娜", "张伟", "刘洋", "陈静", "赵敏", "周强"];

    const REPORTERS_EN: &[&str] = &[
        "Lin Wei",
        "Sarah Cole",
        "Zhang Hui",
        "Tom Harper",
        "Chen Yu",
        "Maya Singh",
    ];

    const MONTHS: &[&str] = &[
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];

    fn zh_num(n: u64) -> String {
        const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
        // 十, 十三, 二十, 二十七: no 零 for a round ten, no 一 before a lone ten.
        let unit = match n % 10 {
            0 => "",
            u => D[u as usize],
        };
        match n {
            0..=9 => D[n as usize].to_string(),
            10..=19 => format!("十{unit}"),
            20..=99 => format!("{}十{unit}", D[(n / 10) as usize]),
            _ => n.to_string(),
        }
    }

    /// A count before a measure word: 两 for two (两名, 两个月), else as `zh_num`.
    fn zh_count(n: u64) -> String {
        if n == 2 {
            "两".to_string()
        } else {
            zh_num(n)
        }
    }

    fn en_num(n: u64) -> String {
        const W: [&str; 13] = [
            "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve",
        ];
        W.get(n as usize)
            .map(|s| s.to_string())
            .unwrap_or_else(|| n.to_string())
    }

    fn capitalise(s: &str) -> String {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    }

    /// A calendar date (days capped at 28 so every month works).
    #[derive(Clone, Copy)]
    struct Day {
        y: u64,
        m: u64,
        d: u64,
    }

    impl Day {
        fn later(self, days: u64) -> Day {
            let mut t = self;
            for _ in 0..days {
                t.d += 1;
                if t.d > 28 {
                    t.d = 1;
                    t.m += 1;
                    if t.m > 12 {
                        t.m = 1;
                        t.y += 1;
                    }
                }
            }
            t
        }
        fn iso(self) -> String {
            format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
        }
        fn en(self) -> String {
            format!("{} {}, {}", MONTHS[self.m as usize - 1], self.d, self.y)
        }
    }

    fn zh_accident(r: &mut Rng, k: &County, day: Day, published: Day) -> String {
        let (mine, _) = *r.pick(STEMS);
        let (town, _) = *r.pick(STEMS);
        let cause = *r.pick(&["瓦斯爆炸", "透水", "顶板垮塌", "火灾", "煤与瓦斯突出"]);
        let dead = r.range(1, 25);
        let injured = r.range(0, 12);
        let shift = dead + injured + r.range(5, 60);
        let hour = r.range(0, 24);
        let rescuers = r.range(3, 40) * 10;
        let mut s = String::new();
        let dead_zh = if r.chance(50) {
            zh_count(dead)
        } else {
            dead.to_string()
        };
        let _ = writeln!(s, "{}{}煤矿发生{cause}事故 {dead_zh}人遇难\n", k.zh, mine);
        let _ = write!(
            s,
            "{}{}{}应急管理局{}月{}日发布通报：{}月{}日{}时许，{}{}镇{}煤矿井下发生{cause}事故。\
             事故发生时当班下井{}人，其中{}人安全升井，{dead_zh}人遇难",
            k.zh_prov,
            k.zh_pref,
            k.zh,
            published.m,
            published.d,
            day.m,
            day.d,
            hour,
            k.zh,
            town,
            mine,
            shift,
            shift - dead - injured,
        );
        if injured > 0 {
            let _ = write!(s, "，{injured}人受伤送医");
        }
        let _ = writeln!(s, "。");
        let _ = writeln!(
            s,
            "事故发生后，{}{}立即启动应急预案，组织{rescuers}余名救援人员赶赴现场全力搜救。\
             涉事煤矿已被责令停产整顿，事故原因正在进一步调查中。",
            k.zh_pref, k.zh
        );
        if r.chance(30) {
            let more = dead + r.range(2, 10);
            let _ = writeln!(
                s,
                "另据当地村民向本台反映，实际遇难人数可能超过{more}人，官方通报存在瞒报嫌疑。"
            );
        }
        if r.chance(40) {
            let _ = writeln!(
                s,
                "该矿为{}{}矿业有限公司所属，核定生产能力每年{}万吨。",
                k.zh_pref.trim_end_matches('市'),
                r.pick(STEMS).0,
                r.range(3, 120) * 5
            );
        }
        if r.chance(60) {
            let past = *r.pick(&["瓦斯爆炸", "透水", "冒顶"]);
            let _ = writeln!(
                s,
                "据了解，{}是{}重要的产煤县，境内现有生产煤矿{}处。{}年，{}曾发生一起{past}事故，\
                 造成{}名矿工死亡，此后当地开展了为期半年的煤矿安全专项整治。",
                k.zh,
                k.zh_prov.trim_end_matches('省'),
                r.range(5, 60),
                day.y - r.range(2, 9),
                k.zh,
                r.range(2, 30)
            );
        }
        let _ = writeln!(s, "（记者 {}）", r.pick(REPORTERS_ZH));
        s
    }

    fn zh_strike(r: &mut Rng, k: &County, day: Day, _published: Day) -> String {
        let (name, _) = *r.pick(STEMS);
        let kind = *r.pick(&["电子厂", "鞋厂", "纺织厂", "家具厂", "玩具厂", "汽车配件厂"]);
        let workers = *r.pick(&["数百名", "上千名", "约三百名", "二百余名", "数十名"]);
        let reason = *r.pick(&[
            "被拖欠工资",
            "工厂搬迁未获补偿",
            "社保长期未缴",
            "厂方单方面降薪",
        ]);
        let owed = r.range(20, 900);
        let mut s = String::new();
        let _ = writeln!(s, "{}{}{}工人停工抗议\n", k.zh, name, kind);
        let _ = writeln!(
            s,
            "{}月{}日上午，{}{}{}{}{}{workers}工人因{reason}集体停工，聚集在厂门口拉起横幅，\
             要求厂方支付拖欠的约{owed}万元工资及经济补偿。",
            day.m, day.d, k.zh_prov, k.zh_pref, k.zh, name, kind
        );
        let _ = writeln!(
            s,
            "有工人表示，工厂已连续{}个月未按时发放工资，多次向劳动监察部门反映未果。",
            zh_count(r.range(2, 8))
        );
        if r.chance(45) {
            let taken = r.range(1, 9);
            let _ = writeln!(
                s,
                "当天下午，大批警察到场驱散人群，{taken}名工人代表被带走。"
            );
        } else {
            let _ = writeln!(
                s,
                "当地人社局工作人员到场协调，厂方承诺月底前发放部分欠薪。"
            );
        }
        let _ = writeln!(
            s,
            "一名在厂里工作了{}年的女工说：“我们每天加班到晚上十点，现在连房租都交不起了。”\
             近年来，{}不少制造业工厂因订单减少而停产或外迁，欠薪引发的集体维权时有发生。",
            zh_num(r.range(3, 20)),
            k.zh_prov.trim_end_matches('省')
        );
        let _ = writeln!(s, "（记者 {}）", r.pick(REPORTERS_ZH));
        s
    }

    fn zh_protest(r: &mut Rng, k: &County, day: Day, _published: Day) -> String {
        let (town, _) = *r.pick(STEMS);
        let (village, _) = *r.pick(STEMS);
        let cause = *r.pick(&[
            "征地补偿款过低",
            "化工厂排污",
            "垃圾焚烧厂选址",
            "采煤导致房屋开裂、地面塌陷",
            "强拆房屋",
        ]);
        let crowd = *r.pick(&["数百名", "上千名", "一百多名", "数十名"]);
        let mut s = String::new();
        let _ = writeln!(s, "{}{}村村民聚集维权\n", k.zh, village);
        let _ = writeln!(
            s,
            "{}年{}月{}日，{}{}{}{}镇{}村{crowd}村民聚集在镇政府门前，抗议{cause}，\
             要求当地政府给出说法。",
            day.y, day.m, day.d, k.zh_prov, k.zh_pref, k.zh, town, village
        );
        if r.chance(55) {
            let held = r.range(1, 15);
            let hurt = r.range(0, 6);
            let _ = write!(s, "当地出动数百名警察，{held}名村民被警方拘留");
            if hurt > 0 {
                let _ = write!(s, "，{}名村民在冲突中受伤", zh_count(hurt));
            }
            let _ = writeln!(s, "。");
        } else {
            let _ = writeln!(s, "镇政府工作人员出面接待，称将组织有关部门核查。");
        }
        let _ = writeln!(
            s,
            "有村民称，此前已多次到{}上访，问题一直未得到解决。",
            k.zh_pref
        );
        let _ = writeln!(
            s,
            "一位{}岁的村民说，全村{}多户人家的{}亩耕地被征用，每亩补偿仅{}元，远低于周边标准。\
             截至发稿时，当地政府尚未就此事作出公开回应。",
            r.range(35, 80),
            r.range(1, 9) * 100,
            r.range(2, 30) * 100,
            r.range(8, 40) * 1000
        );
        let _ = writeln!(s, "（记者 {}）", r.pick(REPORTERS_ZH));
        s
    }

    fn en_place(k: &County) -> String {
        format!("{} County, {}, {} province", k.en, k.en_pref, k.en_prov)
    }

    fn en_accident(r: &mut Rng, k: &County, day: Day, published: Day) -> String {
        let (_, mine) = *r.pick(STEMS);
        let cause = *r.pick(&[
            "a gas explosion",
            "flooding",
            "a roof collapse",
            "a fire",
            "a coal and gas outburst",
        ]);
        let dead = r.range(1, 25);
        let injured = r.range(0, 12);
        let underground = dead + injured + r.range(5, 60);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} killed in {} at {} coal mine in {}\n",
            capitalise(&format!(
                "{} miner{}",
                en_num(dead),
                if dead == 1 { "" } else { "s" }
            )),
            cause.trim_start_matches("a "),
            k.en_prov,
            k.en
        );
        let _ = write!(
            s,
            "{} {} killed",
            capitalise(&en_num(dead)),
            if dead == 1 {
                "miner was"
            } else {
                "miners were"
            }
        );
        if injured > 0 {
            let _ = write!(s, " and {} injured", en_num(injured));
        }
        let _ = writeln!(
            s,
            " after {cause} at the {mine} Coal Mine in {} on {}, \
             the county emergency management bureau said on {}.",
            en_place(k),
            day.en(),
            published.en()
        );
        let _ = writeln!(
            s,
            "There were {underground} workers underground when the accident happened. \
             Rescue teams from {} were sent to the site and the mine was ordered to halt production \
             while the cause is investigated.",
            k.en_pref
        );
        if r.chance(30) {
            let more = dead + r.range(2, 10);
            let _ = writeln!(
                s,
                "Relatives of the miners told reporters that at least {more} people had died, \
                 and accused local officials of concealing the true toll."
            );
        }
        if r.chance(60) {
            let _ = writeln!(
                s,
                "{} is one of {}'s main coal-producing counties, with about {} working mines. \
                 The province launched a six-month safety campaign after {} miners died in a \
                 flooding accident in {} in {}.",
                k.en,
                k.en_prov,
                r.range(5, 60),
                en_num(r.range(2, 30)),
                k.en_pref,
                day.y - r.range(2, 9)
            );
        }
        let _ = writeln!(s, "Reporting by {}", r.pick(REPORTERS_EN));
        s
    }

    fn en_strike(r: &mut Rng, k: &County, day: Day, _published: Day) -> String {
        let (_, name) = *r.pick(STEMS);
        let kind = *r.pick(&[
            "electronics factory",
            "shoe factory",
            "textile mill",
            "furniture factory",
            "auto parts plant",
        ]);
        let crowd = *r.pick(&["Hundreds of", "About 300", "More than 1,000", "Dozens of"]);
        let reason = *r.pick(&[
            "unpaid wages",
            "the relocation of the plant without compensation",
            "unpaid social insurance",
            "a pay cut",
        ]);
        let owed = r.range(2, 90);
        let mut s = String::new();
        let _ = writeln!(s, "Workers strike at {} {} in {}\n", name, kind, k.en);
        let _ = writeln!(
            s,
            "{crowd} workers at the {name} {kind} in {} went on strike on {} over {reason}, \
             blocking the factory gate and demanding about {} million yuan they say they are owed.",
            en_place(k),
            day.en(),
            owed as f64 / 10.0
        );
        if r.chance(45) {
            let held = r.range(1, 9);
            let _ = writeln!(
                s,
                "Police dispersed the strikers in the afternoon and detained {} worker representatives.",
                en_num(held)
            );
        } else {
            let _ = writeln!(
                s,
                "Officials from the county labour bureau met worker representatives; \
                 the company promised to pay part of the arrears by the end of the month."
            );
        }
        let _ = writeln!(
            s,
            "\"We work until ten every night and now we cannot even pay the rent,\" said a woman \
             who has worked at the plant for {} years. Factories across {} have cut staff or moved \
             inland as orders fell, and disputes over arrears have become common.",
            en_num(r.range(3, 12)),
            k.en_prov
        );
        let _ = writeln!(s, "Reporting by {}", r.pick(REPORTERS_EN));
        s
    }

    fn en_protest(r: &mut Rng, k: &County, day: Day, _published: Day) -> String {
        let (_, village) = *r.pick(STEMS);
        let cause = *r.pick(&[
            "low compensation for requisitioned land",
            "pollution from a chemical plant",
            "a planned waste incinerator",
            "subsidence caused by coal mining",
            "forced demolitions",
        ]);
        let mut s = String::new();
        let _ = writeln!(s, "Villagers protest in {} County\n", k.en);
        let _ = writeln!(
            s,
            "Hundreds of residents of {village} village in {} gathered outside the township \
             government on {} to protest against {cause}.",
            en_place(k),
            day.en()
        );
        if r.chance(55) {
            let held = r.range(1, 15);
            let _ = writeln!(
                s,
                "Police were deployed and {} villagers were detained, residents said.",
                en_num(held)
            );
        } else {
            let _ = writeln!(
                s,
                "Township officials received a delegation and promised an inquiry."
            );
        }
        let _ = writeln!(
            s,
            "A {}-year-old villager said about {} households had lost farmland and were offered \
             {} yuan per mu, far below rates in neighbouring townships. The {} government did not \
             respond to requests for comment.",
            r.range(35, 80),
            r.range(1, 9) * 100,
            r.range(8, 40) * 1000,
            k.en_pref
        );
        let _ = writeln!(s, "Reporting by {}", r.pick(REPORTERS_EN));
        s
    }

    type Template = fn(&mut Rng, &County, Day, Day) -> String;

    const TEMPLATES: &[Template] = &[
        zh_accident,
        zh_strike,
        zh_protest,
        en_accident,
        en_strike,
        en_protest,
    ];

    /// Writes `n` distinct documents with `.meta.json` sidecars; returns how many.
    pub fn write_corpus(dir: &Path, n: usize, seed: u64) -> usize {
        std::fs::create_dir_all(dir).unwrap();
        let mut r = Rng::new(seed);
        let mut seen = HashSet::new();
        let mut written = 0;
        while written < n {
            let k = r.pick(COUNTIES);
            let day = Day {
                y: r.range(2016, 2026),
                m: r.range(1, 13),
                d: r.range(1, 29),
            };
            let published = day.later(r.range(0, 4));
            let template = *r.pick(TEMPLATES);
            let text = template(&mut r, k, day, published);
            if !seen.insert(text.clone()) {
                continue;
            }
            let name = format!("{written:04}_{}.txt", published.iso());
            std::fs::write(dir.join(&name), &text).unwrap();
            std::fs::write(
                dir.join(format!("{name}.meta.json")),
                format!("{{\"published\": \"{}\"}}\n", published.iso()),
            )
            .unwrap();
            written += 1;
        }
        written
    }
}
