//! Figures: which counted quantity each number in a sentence states, how sure the
//! text is of it, who says it, and whether the text disputes it.

use crate::lexicon::lexicon;
use recount_model::{ClaimDraft, FigureKind, Qualifier, Speaker};
use recount_text::numbers::{find_amounts_cny, find_numbers};
use regex::Regex;
use std::sync::LazyLock;

/// Words right after a number that say it counts something other than people.
static NOT_PEOPLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:个(?:村|乡|镇|县|省|市|项目|工地|地方|国家|部门|小时|月)|年|月|日|号|岁|周岁|个月|小时|分钟|分|秒|天|点|%|％|米|公里|千米|吨|毫米|厘米|元|块|万元|亿元|亿|次|起|宗|件|家|辆|艘|户|层|楼|倍|届|周年|个百分点|条|项|所|座|台|套|份|平方|亩|公斤|斤|[-–]?year|years|months?|weeks?|days?|hours?|minutes?|seconds?|percent|per cent|km|kilomet|met(?:er|re)s?|m(?-u:\b)|tons?|tonnes?|mm|cm|yuan|rmb|dollars?|times|accidents?|incidents?|cases|floors?|storeys?|vehicles?|households?|st(?-u:\b)|nd(?-u:\b)|rd(?-u:\b)|th(?-u:\b)|a\.m|p\.m|o'clock|pm(?-u:\b)|am(?-u:\b)|provinces|countries|cities|mines|companies|factories|projects|coal mines|billion|million)",
    )
    .expect("not-people pattern")
});

/// Category words after a number: the nearest one decides.
const AFTER_CUES: &[(FigureKind, &[&str])] = &[
    (
        FigureKind::Dead,
        &[
            "死亡",
            "身亡",
            "遇难",
            "丧生",
            "罹难",
            "离世",
            "殒命",
            "死",
            "killed",
            "dead",
            "died",
            "deaths",
            "death",
            "fatalities",
            "fatality",
            "casualties",
            "lost their lives",
            "perished",
            "bodies",
            "were killed",
            "没有生命体征",
            "无生命体征",
            "生命体征消失",
        ],
    ),
    (
        FigureKind::Injured,
        &[
            "受伤",
            "伤",
            "injured",
            "injuries",
            "wounded",
            "hurt", // poisoned people are injured
            "中毒",
            "发病",
            "不适",
            "症状",
            "住院",
            "入院",
            "就医",
            "就诊",
            "poisoned",
            "fell ill",
            "hospitalised",
            "hospitalized",
        ],
    ),
    (
        FigureKind::Missing,
        &["失踪", "下落不明", "失联", "missing", "unaccounted"],
    ),
    (FigureKind::Trapped, &["被困", "被埋", "trapped", "buried"]),
    (
        FigureKind::Arrested,
        &[
            "被抓",
            "抓走",
            "带走",
            "带上警车",
            "强制措施",
            "被控制",
            "被拘",
            "拘留",
            "逮捕",
            "刑拘",
            "arrested",
            "detained",
            "taken away",
            "taken into custody",
        ],
    ),
];

/// Words right before a number that say what it counts ("the deaths of 12 miners").
static BEFORE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(deaths? of|killing|killed|murder of|murdered|death toll (?:of|rose to|reached|climbed to|to|at|is|was)|toll (?:rose|climbed) to|injuries to|injuring|injured|arrested|detaining|detained|trapping|trapped|带走了?|抓走了?|拘留了?|逮捕了?|刑拘了?|死亡|遇难|身亡|遇难人数(?:为|达|升至)?|死亡人数(?:为|达|升至)?|(?:中毒|受伤|死亡|遇难)(?:人数|学生|者|人员|患者|工人|员工)?(?:已经?|已)?(?:增至|增加到|增加至|上升到|上升至|升至|达到|达))\s*$")
        .expect("before-cue pattern")
});

/// People nouns that make a count of participants when the event is collective action.
const PEOPLE: &[&str] = &[
    "工人",
    "村民",
    "投资者",
    "投资人",
    "储户",
    "购房者",
    "商户",
    "老兵",
    "民众",
    "市民",
    "渔民",
    "员工",
    "矿工",
    "家属",
    "业主",
    "农民",
    "司机",
    "教师",
    "学生",
    "群众",
    "受害者",
    "退伍",
    "workers",
    "villagers",
    "investors",
    "veterans",
    "residents",
    "people",
    "protesters",
    "miners",
    "employees",
    "fishermen",
    "drivers",
    "teachers",
    "students",
    "owners",
    "farmers",
    "family members",
    "relatives",
    "victims",
    "demonstrators",
    "staff",
];

/// Nouns for the family of a victim: a count of them is never a toll.
const RELATIVES: &[&str] = &[
    "relatives",
    "family members",
    "families",
    "亲属",
    "家属",
    "遗属",
];

/// Amounts below this are wages, fines or fees, not the money a case is about,
/// unless the sentence says the sum was owed, lost or taken.
const MIN_CASE_AMOUNT: i64 = 1_000_000;

/// "a worker died", "one teacher was injured": singular events with no numeral.
static SINGULAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:a|an)\s+(?:[a-z-]+\s+){0,3}?(?:worker|miner|villager|man|woman|person|teacher|student|child|employee|boy|girl|resident|fisherman|labou?rer|protester|investor|veteran|driver)(?-u:\b)[^.;]{0,60}?(?-u:\b)(died|was killed|killed|was injured|injured|was hurt|was arrested|arrested|was detained|detained|went missing)(?-u:\b)")
        .expect("singular pattern")
});

fn kind_of_cue(cue: &str) -> Option<FigureKind> {
    let cue = cue.to_lowercase();
    if cue.contains("death")
        || cue.contains("kill")
        || cue.contains("murder")
        || cue.contains("遇难")
        || cue.contains("死亡")
    {
        Some(FigureKind::Dead)
    } else if cue.contains("injur") || cue.contains("中毒") || cue.contains("受伤") {
        Some(FigureKind::Injured)
    } else if ["arrest", "detain", "带走", "抓走", "拘留", "逮捕", "刑拘"]
        .iter()
        .any(|w| cue.contains(w))
    {
        Some(FigureKind::Arrested)
    } else if cue.contains("trap") {
        Some(FigureKind::Trapped)
    } else {
        None
    }
}

/// Death words right after a poisoning word: 中毒死亡 counts the dead, not the poisoned.
const DIED_OF: &[&str] = &["死亡", "身亡", "致死", "遇难", "died", " death"];

/// The nearest category word in `after`, with its position.
fn first_cue(after: &str) -> Option<(usize, FigureKind)> {
    first_cue_in(after, true)
}

/// As [`first_cue`]; `meal` says the sentence tells of food or a meal. Outside one, a bare
/// 中毒 (gas poisoning: workers overcome who may die later) is no count of the injured.
fn first_cue_in(after: &str, meal: bool) -> Option<(usize, FigureKind)> {
    let (at, kind) = nearest_cue(after)?;
    let rest = &after[at..];
    if !meal && rest.starts_with("中毒") && !rest.starts_with("中毒症状") {
        return None;
    }
    for poison in ["中毒", "poisoned"] {
        if let Some(tail) = rest.strip_prefix(poison) {
            if DIED_OF
                .iter()
                .any(|d| tail.trim_start().starts_with(d.trim_start()))
            {
                return Some((at, FigureKind::Dead));
            }
        }
    }
    Some((at, kind))
}

fn nearest_cue(after: &str) -> Option<(usize, FigureKind)> {
    let lower = after.to_lowercase();
    let mut best: Option<(usize, FigureKind)> = None;
    for (kind, cues) in AFTER_CUES {
        for cue in *cues {
            let mut from = 0;
            while let Some(pos) = lower[from..].find(cue) {
                let at = from + pos;
                let ascii = cue.is_ascii();
                let before_ok =
                    !ascii || at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
                if before_ok {
                    if best.is_none_or(|(p, _)| at < p) {
                        best = Some((at, *kind));
                    }
                    break;
                }
                from = at + cue.len();
            }
        }
    }
    best
}

/// Reads the claims of one sentence. `collective` says the sentence tells a strike or
/// protest, where a count of people is a count of participants; `voice` is who speaks
/// when the sentence names no one (officials, in an official notice).
pub fn claims(sentence: &str, collective: bool, voice: Speaker) -> Vec<ClaimDraft> {
    let hits = lexicon().hits_in(sentence, &["speaker", "dispute"]);
    let speaker = hits
        .iter()
        .filter(|h| h.entry.field == "speaker")
        .map(|h| match h.entry.value.as_str() {
            "official" => Speaker::Official,
            "insider" => Speaker::Insider,
            "family" => Speaker::Family,
            "witness" => Speaker::Witness,
            _ => Speaker::Media,
        })
        .next()
        .unwrap_or(voice);
    let disputes: Vec<usize> = hits
        .iter()
        .filter(|h| h.entry.field == "dispute")
        .map(|h| h.end)
        .collect();
    let numbers: Vec<_> = find_numbers(sentence)
        .into_iter()
        .filter(|n| !NOT_PEOPLE.is_match(&sentence[n.span.end..]))
        // The numbers of a name like “3·28” are no counts, nor do they end the phrase of
        // the count before them.
        .filter(|n| !is_date_name(&sentence[..n.span.start], &sentence[n.span.end..]))
        .collect();
    let mut out = Vec::new();
    let mut severities: Vec<i64> = Vec::new();
    let meal = MEAL.is_match(sentence);
    for (i, n) in numbers.iter().enumerate() {
        let stop = numbers
            .get(i + 1)
            .map_or(sentence.len(), |next| next.span.start);
        let after = &sentence[n.span.end..stop];
        let before = &sentence[..n.span.start];
        // 拨打120, 110指挥中心, 119接警: emergency numbers, not counts. "被救出的4人中":
        // the group a part is taken from.
        if is_hotline(before, after) || PARTITIVE.is_match(after) || THRESHOLD.is_match(after) {
            continue;
        }
        // The pattern is anchored at the end: the last words are enough to read it.
        let kind = BEFORE_CUE
            .captures(&before[tail_start(before, 32)..])
            .and_then(|c| kind_of_cue(&c[1]))
            .or_else(|| {
                let (pos, kind) = first_cue_in(after, meal)?;
                // A cue far beyond the number belongs to another phrase; a headcount
                // ("两车共有7人，其中4人死亡", 载有20多名乘客) takes only a cue right after it.
                let limit = if headcount(before) { 9 } else { 80 };
                (pos <= limit).then_some(kind)
            })
            .or_else(|| {
                // Poisoning is told at length: "17名员工在食堂进食后，陆续出现呕吐等食物中毒症状".
                let clause_end = after.find('。').unwrap_or(after.len());
                let window = &after[..crate::segment::floor_boundary(after, clause_end.min(210))];
                (window.contains("中毒") && !headcount(before) && POISONED_LATER.is_match(window))
                    .then_some(FigureKind::Injured)
            })
            .or_else(|| {
                let head: String = after.chars().take(24).collect();
                // "另有5名矿工的遗体被运出": people counted among the dead, not present.
                (collective
                    && PEOPLE.iter().any(|p| head.to_lowercase().contains(p))
                    && !NOT_PRESENT.is_match(&head))
                .then_some(FigureKind::Participants)
            });
        let Some(kind) = kind else {
            continue;
        };
        // "thirty relatives of miners killed", 二十多名“3·28”事故遇难矿工的家属: the count
        // is of the relatives, named before the clause ends.
        let head: String = after
            .chars()
            .take_while(|c| !matches!(c, '，' | ',' | '。' | '；' | ';' | '：'))
            .take(24)
            .collect::<String>()
            .to_lowercase();
        let kind = if matches!(
            kind,
            FigureKind::Dead | FigureKind::Injured | FigureKind::Missing | FigureKind::Trapped
        ) && RELATIVES.iter().any(|r| head.contains(r))
        {
            if collective {
                FigureKind::Participants
            } else {
                continue;
            }
        } else {
            kind
        };
        if kind == FigureKind::Injured && SEVERITY.is_match(after) {
            severities.push(n.quantity.value);
        }
        let disputed = disputes
            .iter()
            .any(|&d| d <= n.span.start && n.span.start - d <= 64);
        let q = &n.quantity;
        out.push(ClaimDraft {
            kind,
            value: q.value,
            qualifier: q.qualifier,
            value_max: q.value_max,
            // A figure said to be concealed, lowered or "reported only" is the one the
            // officials gave, whoever disputes it.
            attributed_to: if disputed { Speaker::Official } else { speaker },
            disputed,
            quote: sentence.trim().to_string(),
        });
    }
    // "Reported 9 deaths, the real toll is 14, 5 were concealed": when a sentence says a
    // toll was hidden and gives two, the smaller is the one disputed.
    if !disputes.is_empty() {
        let dead: Vec<i64> = out
            .iter()
            .filter(|c| c.kind == FigureKind::Dead)
            .map(|c| c.value)
            .collect();
        if let Some(&max) = dead.iter().max() {
            if dead.len() > 1 {
                for c in out
                    .iter_mut()
                    .filter(|c| c.kind == FigureKind::Dead && c.value < max)
                {
                    c.disputed = true;
                }
            }
        }
    }
    // "3人重伤、4人轻伤，28人轻微伤": the injured are the sum of the grades.
    if severities.len() >= 2 {
        let sum: i64 = severities.iter().sum();
        let largest = out
            .iter()
            .filter(|c| c.kind == FigureKind::Injured)
            .map(|c| c.value)
            .max()
            .unwrap_or(0);
        if sum > largest {
            out.push(plain_claim(FigureKind::Injured, sum, speaker, sentence));
        }
    }
    // "女孩不幸身亡", "致周某当场死亡": one victim named without a numeral.
    let fates = ["死", "身亡", "遇难", "丧生", "殒命", "伤"];
    let singular_zh = if fates.iter().any(|f| sentence.contains(f)) {
        SINGULAR_ZH.captures_iter(sentence).collect()
    } else {
        Vec::new()
    };
    for m in singular_zh {
        let gap = m.name("gap").map_or("", |g| g.as_str());
        if ["未", "无", "没有", "不会"].iter().any(|w| gap.contains(w)) {
            continue;
        }
        let verb = &m["verb"];
        let kind = if verb.contains('伤') {
            FigureKind::Injured
        } else {
            FigureKind::Dead
        };
        if !out.iter().any(|c| c.kind == kind) {
            out.push(plain_claim(kind, 1, speaker, sentence));
        }
    }
    for m in SINGULAR.captures_iter(sentence) {
        let kind = kind_of_cue(&m[1]).or_else(|| first_cue(&m[1]).map(|(_, k)| k));
        if let Some(kind) = kind {
            if !out.iter().any(|c| c.kind == kind) {
                out.push(plain_claim(kind, 1, speaker, sentence));
            }
        }
    }
    let money_cue = MONEY_CUE.is_match(sentence);
    for a in find_amounts_cny(sentence) {
        if a.quantity.value < MIN_CASE_AMOUNT && !(money_cue && a.quantity.value >= 10_000) {
            continue;
        }
        out.push(ClaimDraft {
            kind: FigureKind::AmountCny,
            value: a.quantity.value,
            qualifier: a.quantity.qualifier,
            value_max: a.quantity.value_max,
            attributed_to: speaker,
            disputed: false,
            quote: sentence.trim().to_string(),
        });
    }
    out
}

/// Words before a number that make it a headcount (people aboard, present), not a toll.
static HEADCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:共有|载有|载着|坐有|乘有|车上有|船上有|内有|在内共有|共载|乘坐|搭载|carrying|with)\s*$")
        .expect("headcount pattern")
});

/// "4人中", "5名当中": the group a part is taken from (not 4人中毒).
static PARTITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:人|名|位)(?:当中|之中|中)(?:[,，、]|$|[^毒暑])").expect("partitive pattern")
});

/// The bounds of a legal class of accident, not a toll: "造成3人以上10人以下死亡", "死亡10人
/// 以上30人以下", "10 or more deaths".
static THRESHOLD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:人|名)?\s*(?:以上|以下|至\s*[0-9一二三四五六七八九十]+\s*人)|^\s*or more (?:deaths|people)")
        .expect("threshold pattern")
});

/// Food and meals: the poisoned of a food poisoning are its injured.
static MEAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"食|餐|饭|吃|喝|饮|菜|宴|meal|food|ate|dinner|lunch|breakfast|banquet")
        .expect("meal pattern")
});

/// Whether the words right before a number make it a headcount ([`HEADCOUNT`] on the last
/// few characters only: the pattern is anchored at the end).
fn headcount(before: &str) -> bool {
    HEADCOUNT.is_match(&before[tail_start(before, 8)..])
}

/// The byte offset where the last `n` characters of `s` begin.
fn tail_start(s: &str, n: usize) -> usize {
    s.char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// A poisoning told some words after the count of the poisoned.
static POISONED_LATER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^0-9０-９]*?(?:食物中毒|中毒症状|中毒现象|中毒迹象|集体中毒|出现中毒)")
        .expect("poisoned-later pattern")
});

/// Grades of injury after a count: 重伤, 轻伤, 轻微伤 (added up), "seriously injured".
static SEVERITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:人|名|位)?\s*(?:受)?(?:重伤|轻伤|轻微伤|重度烧伤|轻度烧伤|seriously injured|slightly injured|critically injured)")
        .expect("severity pattern")
});

/// One named or described victim and what befell them, with no numeral: 女孩不幸身亡,
/// 致周某当场死亡, 面包车司机受轻伤.
static SINGULAR_ZH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:女孩|男孩|司机|驾驶员|驾驶人|乘客|行人|男子|女子|老人|老太|老汉|妇女|儿童|孩子|小孩|学生|工人|少女|少年|民工|环卫工人?|村民|游客|骑车人|车主|船员|矿工|职工|员工|店主|\p{Han}某)(?P<gap>[^，。；,;！？0-9０-９一二两三四五六七八九十几多]{0,6}?)(?P<verb>当场死亡|当场身亡|不幸身亡|不幸遇难|抢救无效死亡|不治身亡|被撞身亡|死亡|身亡|遇难|丧生|殒命|受轻伤|受重伤|受伤|被烧伤|烧伤)")
        .expect("Chinese singular pattern")
});

/// An emergency number (120, 110, 119, 122) dialled or answering, not a count of people.
/// Words after a count of people that say they were not there alive: the dead, their
/// bodies, the injured.
static NOT_PRESENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)遗体|尸体|遗骸|骨灰|遇难|死亡|身亡|bodies|remains|were killed|died")
        .expect("not-present pattern")
});

/// Words that tell an accident or a death at work: a protest, strike or enforcement
/// action whose text has them may be about one, and the deaths it repeats are the
/// accident's ("一名工人在车间不幸死亡后，家属前来维权").
static ACCIDENT_TOLD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)事故|矿难|爆炸|透水|坍塌|冒顶|瓦斯|火灾|塌方|工伤|工亡|意外|车间|井下|工地|accident|explosion|blast|collapse|disaster|flood(?:ed|ing)?\b",
    )
    .expect("accident pattern")
});

/// Words that tell harm done at a gathering or by the people prosecuted: a clash, a
/// beating, a crush, a killing, a suicide.
static HARM_AT_IT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)冲突|殴打|打死|打伤|打成|镇压|推搡|踩踏|清场|驱散|杀害|谋杀|杀死|自杀|跳楼|自焚|clash|beat(?:en|ing)?\b|police|murder|suicide|crush|stampede|shot",
    )
    .expect("harm pattern")
});

/// Whether a death or injury count read in `sentence` of a protest, strike or
/// enforcement run whose text is `run` happened at it: not when the run tells of an
/// accident and the sentence of no harm done at the gathering (the accident it answers
/// is linked as a related incident, not copied).
pub(crate) fn harm_happened_at_it(run: &str, sentence: &str) -> bool {
    !ACCIDENT_TOLD.is_match(run) || HARM_AT_IT.is_match(sentence)
}

/// A number that is the day of an event named by its date: the 14 of “10·14” (an
/// accident known by month and day) or of 10.14 between quotes.
fn is_date_name(before: &str, after: &str) -> bool {
    const DOTS: &[char] = &['·', '•', '．', '・'];
    let dot_digit = |s: &str| {
        let mut it = s.chars();
        it.next().is_some_and(|c| DOTS.contains(&c))
            && it.next().is_some_and(|c| c.is_ascii_digit())
    };
    // The month before: “10·14 (any of the dots), or “10.14 inside quotes.
    let month = |dots: &[char]| {
        before
            .strip_suffix(dots)
            .map(|m| m.trim_end_matches(|c: char| c.is_ascii_digit()).len() < m.len())
            .unwrap_or(false)
    };
    let quoted = before
        .strip_suffix('.')
        .map(|m| m.trim_end_matches(|c: char| c.is_ascii_digit()))
        .is_some_and(|m| m.ends_with(['“', '"', '「']));
    month(DOTS) || quoted || dot_digit(after)
}

fn is_hotline(before: &str, after: &str) -> bool {
    let b = before.trim_end();
    ["拨打", "打", "呼叫", "报警", "dialled", "dialed", "called"]
        .iter()
        .any(|w| b.ends_with(w))
        || [
            "急救",
            "救护",
            "指挥中心",
            "接警",
            "报警",
            "出警",
            "ambulance",
            "emergency",
        ]
        .iter()
        .any(|w| after.trim_start().starts_with(w))
}

/// An exact, undisputed claim of `value` made by `speaker` in `sentence`.
fn plain_claim(kind: FigureKind, value: i64, speaker: Speaker, sentence: &str) -> ClaimDraft {
    ClaimDraft {
        kind,
        value,
        qualifier: Qualifier::Exact,
        value_max: None,
        attributed_to: speaker,
        disputed: false,
        quote: sentence.trim().to_string(),
    }
}

/// Words that make a smaller sum the subject of a case: owed, lost, taken.
static MONEY_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)拖欠|欠薪|欠款|涉案|损失|卷走|诈骗|挪用|贪污|受贿|owed|unpaid|arrears|losses|embezzl|defraud|bribe|totall?ing")
        .expect("money cue pattern")
});

/// True when a sentence speaks of many events at once (statistics, totals), so it
/// tells no single incident.
pub fn is_aggregate(sentence: &str) -> bool {
    aggregate_cue(sentence).is_some()
}

/// Counts of events ("three accidents", 5起, 两起事故): a sentence about several at once.
static EVENT_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)([2-9]|\d[\d,]+|[二两三四五六七八九十百千][一二两三四五六七八九十百千]*|(?-u:\b)(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|many|dozens of|hundreds of|numerous))\s*(?:[a-z-]+\s+){0,3}?(accidents|incidents|cases|strikes|protests|起|宗|次事故)")
        .expect("event-count pattern")
});

/// Words that tie a sentence's numbers to the one event told: 此次事故共造成, "the blast
/// killed a total of". A statistics word beside them does not make the sentence a tally.
static THIS_EVENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)此次|这次|本次|这起|该起|此起|该事故|事故共|事故已|事故造成|火灾共|火灾造成|中毒事件|the (?:accident|blast|explosion|fire|collapse|crash|attack) (?:killed|left|has killed)")
        .expect("this-event pattern")
});

/// Why a sentence speaks of many events at once, if it does: a count of events, or a
/// statistics word (统计, 全国, 今年以来, "every year", weight 2 in the lexicon) beside a
/// number. Totals of one event (共有, 截至, "a total of", weight 1) are no such cue: "两车共有
/// 7人，其中4人死亡" and "截至昨晚，已造成24人失踪" tell one event.
pub fn aggregate_cue(sentence: &str) -> Option<String> {
    if let Some(m) = EVENT_COUNT.find(sentence) {
        return Some(m.as_str().to_string());
    }
    let has_number = sentence.chars().any(|c| c.is_ascii_digit())
        || ["hundred", "thousand", "million", "万", "千"]
            .iter()
            .any(|w| sentence.contains(w));
    if !has_number {
        return None;
    }
    let hit = lexicon()
        .hits_in(sentence, &["aggregate"])
        .into_iter()
        .find(|h| h.entry.weight >= 2)?;
    if THIS_EVENT.is_match(sentence) {
        return None;
    }
    Some(sentence[hit.start..hit.end].to_string())
}
