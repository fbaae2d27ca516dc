//! Counts and amounts of money read from Chinese and English news text.
//!
//! [`find_numbers`] walks a text once, left to right, and reports every count-like expression
//! with a [`Quantity`]: Arabic numerals (ASCII or full-width, `,` thousands separators,
//! decimals), Chinese numerals (二十三, 一千零五, 三万五, 两), mixtures (3千, 1.1亿, 5万),
//! English number words (ninety-nine, two hundred and six, a dozen) and Arabic numerals with
//! English scale words (40.86 billion, 3.5 million, 2bn). [`find_amounts_cny`] keeps the
//! mentions that are sums of money in yuan. [`parse_number`] reads one whole expression and
//! [`chinese_numeral`] one bare Chinese numeral.
//!
//! # Conventions
//!
//! * **Vague counts** follow ACLED: 数十/几十/tens = 10, dozens = 12, 数百/几百/上百/hundreds =
//!   100, 数千/几千/上千/thousands = 1000, 数万/上万/tens of thousands = 10000, 数十万/hundreds
//!   of thousands = 100000, 成千上万 = 1000, 成百上千 = 100, 数以千计 = 1000. They get
//!   `vague: true` and the qualifier `AtLeast`, or `About` when an "about" word comes first
//!   (约数百人).
//! * **余, 多, 几 after a number** (十余, 二十多, 1000多, 3万余, 十几) read as the round number,
//!   `vague: true`, `AtLeast`; **来, 许** (十来个) as `About`, `vague: true`. "over a hundred",
//!   "more than a dozen", 逾千, 近百 (a round number written without a digit, qualified) are
//!   also vague.
//! * **Qualifiers.** `AtLeast`: 至少, 最少, 不少于, 不低于, 超过, 超, 逾, 多于, 过百, 破千, 上百,
//!   以上, 余, 多, at least, no fewer/less than, more than, over, upwards of, in excess of,
//!   "or more", "100+". `About`: 约, 约有, 大约, 大概, 近, 将近, 接近, 几近, 差不多, 左右, 来,
//!   about, around, approximately, approx., nearly, almost, some, roughly, close to, (an)
//!   estimated, circa, "or so". `AtMost`: 不到, 不足, 少于, 低于, 不超过, 最多, 至多, 以下,
//!   以内, less/fewer than, under, below, up to, at most, no more than. `MoreThan` is never
//!   produced: like ACLED we record the number said as a lower bound. A word before the number
//!   wins over one after it (约二十余人 is `About`).
//! * **Ranges** (10到15, 10至15, 10-15, 10~15, 10–15, "10 to 15", "between 10 and 15") give
//!   `Range` with `value` = low and `value_max` = high; a multiplier written only on the high
//!   end applies to both (10至15万 = 100000..150000, "10 to 15 million"). Adjacent Chinese
//!   digits are a range too: 三四十人 = 30..40, 七八个 = 7..8.
//! * **Spans** cover the qualifier words written next to the number (至少, about, 余, 以上,
//!   "or more", "between … and …", the "of" in "dozens of"). A qualifier written after a
//!   measure word (300人以上, 500名左右) is applied but left out of the span, so that
//!   [`unit_after`] still sees the noun.
//! * **Decimals** must come out whole after their multiplier (1.1亿, 2.5万, 40.86 billion);
//!   a bare 2.5 is a measure, not a count, and is not reported.
//! * **Not reported:** parts of dates and times (2025年, 11月, 17日, 17号, 2025.11.17,
//!   2025/11/17, 2025-11-17, 7:48, 10点03分, 3时许, 3 p.m., "November 17", "17 Nov", 80年代);
//!   a bare four-digit number 1900–2100 unless a qualifier precedes it or a measure word or
//!   count noun follows it (2000名, "2000 workers"); percentages and fractions (97%, 百分之五十,
//!   三分之一, "5 percent"); ordinals (第三, 1st, 17th, sixth, twenty-first, 初三) and weekdays
//!   (周三, 星期五); code-like strings (letters or `#`, `/`, `_`, `@`, `No.` next to the digits,
//!   a leading zero, six or more digits without separators unless a measure word follows,
//!   dotted or colon chains); a lone Chinese digit (一, 两, 十) unless a measure word follows
//!   (一些, 十分, 四川 are words, 一名 is a count); 百/千/万/亿 with no digit before them unless
//!   上, 近, 逾, 过, 超, 破, 约 precede or a measure word or 余/多 follows (千万, 百姓 are words);
//!   the English word "one" after no, any, every, each, the, this, that, which.
//! * Measures that are not counts (3小时, 5个月, 10 tons) are still reported: the caller decides
//!   from the noun after the span, which [`unit_after`] returns.
//!
//! # Cost
//!
//! One left-to-right pass; at a candidate the scanner looks at most a few dozen bytes back (for
//! qualifier words) and ahead (for measure words, date and time markers). No allocation besides
//! the result vector and a short token buffer per candidate. About 30 µs for a 3 KB bilingual
//! report in a release build.
//!
//! Financial numerals (壹, 贰, 陆, 拾, 佰) are read only by [`chinese_numeral`]: in running
//! text 陆 (大陆), 伍 (队伍) and 肆 (放肆) are mostly parts of words.

use recount_model::Qualifier;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

/// A count as a text states it: the value, an optional upper bound, how the text qualifies it
/// and whether the text only gave an order of magnitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quantity {
    /// The number, or the low end of a range.
    pub value: i64,
    /// The high end of a range (`qualifier == Range`).
    pub value_max: Option<i64>,
    pub qualifier: Qualifier,
    /// The text gave an order of magnitude (数百, dozens, 二十余), not a figure.
    pub vague: bool,
}

impl Quantity {
    /// An exact count.
    pub fn exact(value: i64) -> Self {
        Quantity {
            value,
            value_max: None,
            qualifier: Qualifier::Exact,
            vague: false,
        }
    }
}

/// A count found in a text and where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NumberMention {
    /// Byte span in the input, on char boundaries, covering attached qualifier words.
    pub span: Range<usize>,
    pub quantity: Quantity,
}

/// Every count-like expression in `text`, in order and non-overlapping.
///
/// See the module documentation for what is read and what is left out. Cost: one linear pass
/// over the text with bounded look-around at each candidate.
pub fn find_numbers(text: &str) -> Vec<NumberMention> {
    scan(text, Mode::Find)
        .into_iter()
        .map(|f| f.mention)
        .collect()
}

/// Reads one whole expression such as "二十余", "about 2,200", "1.1亿", "two dozen",
/// "between 10 and 15", or `None` when `s` (trimmed) is not exactly one number expression.
///
/// Unlike [`find_numbers`] it does not judge context: "2024" is 2024 here. Cost: linear in
/// `s`.
pub fn parse_number(s: &str) -> Option<Quantity> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let found = scan(t, Mode::Whole);
    match found.as_slice() {
        [f] if f.mention.span == (0..t.len()) => Some(f.mention.quantity),
        _ => None,
    }
}

/// The value of a Chinese numeral: 十二 = 12, 二十三, 一百二十六, 两 = 2, 一千零五 = 1005,
/// 三万五千 = 35000, 三万五 = 35000, 一亿三千万, 〇/零 = 0, financial forms (壹贰叁, 拾佰仟),
/// digit-by-digit forms as in years (二〇二五 = 2025), and mixtures with Arabic digits (3千).
///
/// `None` for anything else, including approximate forms (十余: use [`parse_number`]) and
/// overflow. Cost: linear in `s`.
pub fn chinese_numeral(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let lx = lex_numeral(s, 0, true);
    if lx.chain || lx.ends.last().copied() != Some(s.len()) {
        return None;
    }
    if lx
        .toks
        .iter()
        .any(|t| matches!(t, Tok::Approx(_) | Tok::Some))
    {
        return None;
    }
    if let Some(v) = digit_sequence(&lx.toks) {
        return Some(v);
    }
    evaluate(&lx.toks, Pick::Strict)?.to_i64()
}

/// Money in yuan: 11亿元, 3万元, 数百万元, 40.86 billion yuan, 500 million yuan, RMB 2 million,
/// ¥300,000, 人民币5000元, and 1.1亿 when a money word (金额, 工资, 赔偿, 涉案 …) comes shortly
/// before it. The value is in yuan; spans include the currency words.
///
/// Sums in other currencies (美元, 港元, $, US$, dollars, euros) are left out. Cost: one
/// [`find_numbers`] pass plus bounded look-around per mention.
pub fn find_amounts_cny(text: &str) -> Vec<NumberMention> {
    let mut out: Vec<NumberMention> = Vec::new();
    for f in scan(text, Mode::Find) {
        let floor = out.last().map_or(0, |m| m.span.end);
        if let Some(span) = yuan_span(text, &f, floor) {
            out.push(NumberMention {
                span,
                quantity: f.mention.quantity,
            });
        }
    }
    out
}

/// The measure word or noun right after a number that ends at `span_end`: a Chinese
/// classifier or measure (名, 人, 个, 位, 起, 个月, 万元 …, longest match), else the next
/// Chinese character, else the next English word (people, workers), else "". Leading spaces
/// are skipped. Cost: a few comparisons.
pub fn unit_after(text: &str, span_end: usize) -> &str {
    let Some(rest) = text.get(span_end..) else {
        return "";
    };
    let rest = rest.trim_start();
    if let Some(u) = classifier_at(rest) {
        return &rest[..u.len()];
    }
    let Some(c) = rest.chars().next() else {
        return "";
    };
    if c.is_ascii_alphabetic() {
        let end = rest
            .char_indices()
            .find(|&(i, ch)| {
                !(ch.is_ascii_alphabetic()
                    || ((ch == '-' || ch == '\'') && i > 0 && next_is_letter(rest, i + 1)))
            })
            .map_or(rest.len(), |(i, _)| i);
        return &rest[..end];
    }
    if is_cjk(c) {
        return &rest[..c.len_utf8()];
    }
    ""
}

// ---------------------------------------------------------------------------------------------
// Word lists. They are short, closed-class vocabularies that the grammar below depends on, not
// data tables: a change here is a change of the grammar.

/// Chinese classifiers and measure words; [`classifier_at`] finds the longest one that matches.
const CLASSIFIERS: &[&str] = &[
    "平方公里",
    "平方米",
    "个小时",
    "人民币",
    "个月",
    "小时",
    "分钟",
    "公里",
    "千米",
    "平米",
    "公斤",
    "公顷",
    "万元",
    "亿元",
    "余人",
    "多人",
    "多名",
    "块钱",
    "名",
    "人",
    "个",
    "位",
    "起",
    "家",
    "辆",
    "具",
    "次",
    "例",
    "座",
    "栋",
    "幢",
    "层",
    "楼",
    "天",
    "周",
    "户",
    "间",
    "台",
    "部",
    "条",
    "件",
    "所",
    "处",
    "只",
    "头",
    "艘",
    "架",
    "批",
    "元",
    "吨",
    "米",
    "亩",
    "岁",
    "年",
    "倍",
    "场",
    "项",
    "份",
    "张",
    "笔",
    "宗",
    "枚",
    "支",
    "根",
    "轮",
    "遍",
    "死",
    "伤",
    "亡",
    "男",
    "女",
    "斤",
    "秒",
    "届",
    "群",
    "伙",
    "排",
    "组",
    "片",
    "匹",
    "封",
    "桩",
    "代",
];

/// English nouns that make a bare four-digit number a count rather than a year.
const COUNT_NOUNS: &[&str] = &[
    "people",
    "persons",
    "person",
    "workers",
    "employees",
    "miners",
    "villagers",
    "residents",
    "protesters",
    "protestors",
    "demonstrators",
    "students",
    "families",
    "staff",
    "members",
    "dead",
    "deaths",
    "injured",
    "injuries",
    "casualties",
    "yuan",
    "households",
    "police",
    "officers",
    "petitioners",
    "drivers",
    "teachers",
    "farmers",
    "laborers",
    "labourers",
    "migrant",
    "riders",
    "nurses",
    "doctors",
    "homes",
    "houses",
    "cases",
    "victims",
    "others",
    "tons",
    "tonnes",
];

/// Qualifier words written before a Chinese number, longest first. The flag marks those that
/// only qualify 百/千/万/亿 written without a digit (过百, 破千, 上万).
const CJK_PREFIXES: &[(&str, Qualifier, bool)] = &[
    ("不少于", Qualifier::AtLeast, false),
    ("不低于", Qualifier::AtLeast, false),
    ("不下于", Qualifier::AtLeast, false),
    ("不超过", Qualifier::AtMost, false),
    ("不多于", Qualifier::AtMost, false),
    ("差不多", Qualifier::About, false),
    ("至少", Qualifier::AtLeast, false),
    ("最少", Qualifier::AtLeast, false),
    ("超过", Qualifier::AtLeast, false),
    ("多于", Qualifier::AtLeast, false),
    ("高于", Qualifier::AtLeast, false),
    ("大约", Qualifier::About, false),
    ("大概", Qualifier::About, false),
    ("约有", Qualifier::About, false),
    ("将近", Qualifier::About, false),
    ("接近", Qualifier::About, false),
    ("几近", Qualifier::About, false),
    ("不到", Qualifier::AtMost, false),
    ("不足", Qualifier::AtMost, false),
    ("少于", Qualifier::AtMost, false),
    ("低于", Qualifier::AtMost, false),
    ("最多", Qualifier::AtMost, false),
    ("至多", Qualifier::AtMost, false),
    ("逾", Qualifier::AtLeast, false),
    ("超", Qualifier::AtLeast, false),
    ("约", Qualifier::About, false),
    ("近", Qualifier::About, false),
    ("过", Qualifier::AtLeast, true),
    ("破", Qualifier::AtLeast, true),
    ("上", Qualifier::AtLeast, true),
];

/// Qualifier phrases written before an English number, longest first; `None` is "between".
const EN_PREFIXES: &[(&str, Option<Qualifier>)] = &[
    ("no fewer than", Some(Qualifier::AtLeast)),
    ("not fewer than", Some(Qualifier::AtLeast)),
    ("no less than", Some(Qualifier::AtLeast)),
    ("not less than", Some(Qualifier::AtLeast)),
    ("no more than", Some(Qualifier::AtMost)),
    ("not more than", Some(Qualifier::AtMost)),
    ("in excess of", Some(Qualifier::AtLeast)),
    ("approximately", Some(Qualifier::About)),
    ("an estimated", Some(Qualifier::About)),
    ("upwards of", Some(Qualifier::AtLeast)),
    ("fewer than", Some(Qualifier::AtMost)),
    ("estimated", Some(Qualifier::About)),
    ("more than", Some(Qualifier::AtLeast)),
    ("less than", Some(Qualifier::AtMost)),
    ("exceeding", Some(Qualifier::AtLeast)),
    ("close to", Some(Qualifier::About)),
    ("at least", Some(Qualifier::AtLeast)),
    ("at most", Some(Qualifier::AtMost)),
    ("roughly", Some(Qualifier::About)),
    ("between", None),
    ("approx.", Some(Qualifier::About)),
    ("around", Some(Qualifier::About)),
    ("nearly", Some(Qualifier::About)),
    ("almost", Some(Qualifier::About)),
    ("up to", Some(Qualifier::AtMost)),
    ("about", Some(Qualifier::About)),
    ("under", Some(Qualifier::AtMost)),
    ("below", Some(Qualifier::AtMost)),
    ("circa", Some(Qualifier::About)),
    ("some", Some(Qualifier::About)),
    ("over", Some(Qualifier::AtLeast)),
    ("ca.", Some(Qualifier::About)),
];

const EN_SMALL: &[(&str, i64)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
];

const EN_TENS: &[(&str, i64)] = &[
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

/// Scale words after English words or Arabic digits; the abbreviations only after digits.
const EN_SCALES: &[(&str, i64)] = &[
    ("hundred", 100),
    ("thousand", 1_000),
    ("million", 1_000_000),
    ("billion", 1_000_000_000),
    ("trillion", 1_000_000_000_000),
];

const EN_SCALE_ABBREVIATIONS: &[(&str, i64)] = &[
    ("mln", 1_000_000),
    ("mn", 1_000_000),
    ("bn", 1_000_000_000),
    ("tn", 1_000_000_000_000),
];

/// Plural order-of-magnitude words (ACLED's vague counts).
const EN_VAGUE: &[(&str, i64)] = &[
    ("tens", 10),
    ("dozens", 12),
    ("hundreds", 100),
    ("thousands", 1_000),
    ("millions", 1_000_000),
];

/// Words after which "one" is a pronoun, not a count.
const ONE_PRONOUN_BEFORE: &[&str] = &[
    "no", "any", "every", "each", "the", "this", "that", "which", "someone", "anyone",
];

const MONTH_NAMES: &[&str] = &[
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
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
];

/// Chinese idioms that stand for an order of magnitude.
const CJK_IDIOMS: &[(&str, i64)] = &[
    ("成千上万", 1_000),
    ("成百上千", 100),
    ("成千成万", 1_000),
    ("数以十万计", 100_000),
    ("数以百计", 100),
    ("数以千计", 1_000),
    ("数以万计", 10_000),
];

/// Words that make a bare 万/亿 amount a sum of money when they come shortly before it.
const MONEY_CUES: &[&str] = &[
    "金额", "资金", "工资", "欠薪", "薪水", "薪酬", "赔偿", "补偿", "罚款", "罚金", "损失", "贪污",
    "受贿", "行贿", "涉案", "价值", "投资", "款项", "欠款", "货款", "经费", "营收", "收入", "利润",
    "债务", "赃款", "拖欠", "索贿", "挪用",
];

const FOREIGN_AFTER: &[&str] = &[
    "美元",
    "港元",
    "港币",
    "欧元",
    "日元",
    "韩元",
    "英镑",
    "澳元",
    "加元",
    "美金",
    "新台币",
    "台币",
    "卢布",
    "泰铢",
];
const FOREIGN_AFTER_EN: &[&str] = &["dollars", "dollar", "usd", "euros", "euro", "pounds", "hkd"];
const YUAN_AFTER: &[&str] = &["元人民币", "元", "块钱", "人民币"];
const YUAN_AFTER_EN: &[&str] = &["yuan", "renminbi", "rmb", "cny"];
const YUAN_BEFORE: &[&str] = &["人民币", "¥", "￥", "RMB", "Rmb", "rmb", "CNY"];
const FOREIGN_BEFORE: &[&str] = &["$", "€", "£"];

/// Letter runs that may stand right before digits without making them a code (RMB2 million).
const CURRENCY_CODES: &[&str] = &["rmb", "cny", "usd", "hkd", "eur", "us", "hk"];

// ---------------------------------------------------------------------------------------------
// Exact decimals: 40.86 billion must come out as 40860000000, which f64 does not promise.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dec {
    num: i128,
    scale: u32,
}

/// More fractional digits than this are not a count in any text we read.
const MAX_SCALE: u32 = 9;

impl Dec {
    const ZERO: Dec = Dec { num: 0, scale: 0 };

    fn int(v: i128) -> Dec {
        Dec { num: v, scale: 0 }
    }

    fn normalized(mut self) -> Dec {
        while self.scale > 0 && self.num % 10 == 0 {
            self.num /= 10;
            self.scale -= 1;
        }
        self
    }

    fn mul_int(self, m: i128) -> Option<Dec> {
        Some(
            Dec {
                num: self.num.checked_mul(m)?,
                scale: self.scale,
            }
            .normalized(),
        )
    }

    fn add(self, o: Dec) -> Option<Dec> {
        let s = self.scale.max(o.scale);
        let a = self.num.checked_mul(10i128.pow(s - self.scale))?;
        let b = o.num.checked_mul(10i128.pow(s - o.scale))?;
        Some(
            Dec {
                num: a.checked_add(b)?,
                scale: s,
            }
            .normalized(),
        )
    }

    fn is_zero(self) -> bool {
        self.num == 0
    }

    fn to_i64(self) -> Option<i64> {
        let d = self.normalized();
        if d.scale != 0 {
            return None;
        }
        i64::try_from(d.num).ok()
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens of a Chinese/Arabic numeral.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Approx {
    AtLeast,
    About,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// An Arabic numeral, ASCII or full-width.
    Num(Dec),
    /// 一 … 九, 两, 壹 … 玖.
    Digit(u8),
    /// 〇, 零.
    Zero,
    /// 十, 百, 千 (value).
    Unit(u32),
    /// 万, 亿 (power of ten).
    Big(u32),
    /// 余, 多, 几, 来, 许 after a number.
    Approx(Approx),
    /// 数, 几 before a unit: "some tens of".
    Some,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ArabicInfo {
    int_digits: usize,
    separated: bool,
    decimal: bool,
    leading_zero: bool,
}

struct Lexed {
    toks: Vec<Tok>,
    /// Byte offset after each token.
    ends: Vec<usize>,
    arabic: Option<ArabicInfo>,
    /// The digits continue with `.`, `/` or `:` and more digits: a date, time, version or id.
    chain: bool,
    chain_end: usize,
}

fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn cjk_tok(c: char) -> Option<Tok> {
    Some(match c {
        '〇' | '零' | '○' => Tok::Zero,
        '一' => Tok::Digit(1),
        '二' | '两' => Tok::Digit(2),
        '三' => Tok::Digit(3),
        '四' => Tok::Digit(4),
        '五' => Tok::Digit(5),
        '六' => Tok::Digit(6),
        '七' => Tok::Digit(7),
        '八' => Tok::Digit(8),
        '九' => Tok::Digit(9),
        '十' => Tok::Unit(10),
        '百' => Tok::Unit(100),
        '千' => Tok::Unit(1000),
        '万' | '萬' => Tok::Big(4),
        '亿' | '億' => Tok::Big(8),
        _ => return None,
    })
}

/// The financial forms written on cheques and contracts. Only [`chinese_numeral`] reads
/// them: in running text 陆 (大陆), 伍 (队伍) and 肆 (放肆) are mostly parts of words.
fn formal_tok(c: char) -> Option<Tok> {
    Some(match c {
        '壹' => Tok::Digit(1),
        '贰' | '貳' => Tok::Digit(2),
        '叁' | '參' => Tok::Digit(3),
        '肆' => Tok::Digit(4),
        '伍' => Tok::Digit(5),
        '陆' | '陸' => Tok::Digit(6),
        '柒' => Tok::Digit(7),
        '捌' => Tok::Digit(8),
        '玖' => Tok::Digit(9),
        '拾' => Tok::Unit(10),
        '佰' => Tok::Unit(100),
        '仟' => Tok::Unit(1000),
        _ => return None,
    })
}

fn is_unit_char(c: Option<char>) -> bool {
    matches!(c.and_then(cjk_tok), Some(Tok::Unit(_) | Tok::Big(_)))
}

fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..)?.chars().next()
}

fn char_before(text: &str, pos: usize) -> Option<char> {
    text.get(..pos)?.chars().next_back()
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{3000}')
}

fn skip_spaces(text: &str, mut pos: usize) -> usize {
    while let Some(c) = char_at(text, pos) {
        if !is_space(c) {
            break;
        }
        pos += c.len_utf8();
    }
    pos
}

fn next_is_letter(text: &str, pos: usize) -> bool {
    text.as_bytes()
        .get(pos)
        .is_some_and(|b| b.is_ascii_alphabetic())
}

fn starts_with_ci(s: &str, p: &str) -> bool {
    s.len() >= p.len() && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
}

fn ends_with_ci(s: &str, p: &str) -> bool {
    s.len() >= p.len() && s.as_bytes()[s.len() - p.len()..].eq_ignore_ascii_case(p.as_bytes())
}

/// `p` (ASCII) starts at `pos` as a whole word.
fn word_at_ci(text: &str, pos: usize, p: &str) -> bool {
    text.get(pos..).is_some_and(|s| starts_with_ci(s, p)) && !next_is_letter(text, pos + p.len())
}

/// End of the ASCII letter run starting at `pos`.
fn word_end(text: &str, pos: usize) -> usize {
    let b = text.as_bytes();
    let mut e = pos;
    while e < b.len() && b[e].is_ascii_alphabetic() {
        e += 1;
    }
    e
}

/// The ASCII word that ends right before `pos`, skipping spaces and the given punctuation.
fn word_before<'a>(text: &'a str, pos: usize, skip: &[u8]) -> &'a str {
    let b = text.as_bytes();
    let mut e = pos;
    while e > 0 && (b[e - 1] == b' ' || skip.contains(&b[e - 1])) {
        e -= 1;
    }
    let mut s = e;
    while s > 0 && b[s - 1].is_ascii_alphabetic() {
        s -= 1;
    }
    &text[s..e]
}

/// The ASCII word that starts at `pos` after spaces.
fn word_after(text: &str, pos: usize) -> &str {
    let s = skip_spaces(text, pos);
    &text[s..word_end(text, s)]
}

fn is_month_name(w: &str) -> bool {
    let all_caps = w.bytes().all(|b| b.is_ascii_uppercase());
    MONTH_NAMES
        .iter()
        .any(|m| *m == w || (all_caps && w.eq_ignore_ascii_case(m)))
}

/// Words an English number can start with; everything else is skipped without parsing.
fn starts_english_number(w: &str) -> bool {
    if w.is_empty() || w.len() > 9 {
        return false;
    }
    let mut buf = [0u8; 9];
    for (d, b) in buf.iter_mut().zip(w.bytes()) {
        *d = b.to_ascii_lowercase();
    }
    matches!(
        &buf[..w.len()],
        b"zero"
            | b"one"
            | b"two"
            | b"three"
            | b"four"
            | b"five"
            | b"six"
            | b"seven"
            | b"eight"
            | b"nine"
            | b"ten"
            | b"eleven"
            | b"twelve"
            | b"thirteen"
            | b"fourteen"
            | b"fifteen"
            | b"sixteen"
            | b"seventeen"
            | b"eighteen"
            | b"nineteen"
            | b"twenty"
            | b"thirty"
            | b"forty"
            | b"fifty"
            | b"sixty"
            | b"seventy"
            | b"eighty"
            | b"ninety"
            | b"a"
            | b"several"
            | b"tens"
            | b"dozens"
            | b"hundreds"
            | b"thousands"
            | b"millions"
    )
}

struct ArabicRead {
    value: Option<Dec>,
    end: usize,
    info: ArabicInfo,
    chain: bool,
    chain_end: usize,
}

/// Reads digits with `,` thousands groups and one decimal part starting at `start`.
fn read_arabic(text: &str, start: usize) -> ArabicRead {
    let b = text.as_bytes();
    let mut pos = start;
    let mut num: Option<i128> = Some(0);
    let mut digits = 0usize;
    let mut first = None;
    while let Some(c) = char_at(text, pos) {
        let Some(d) = digit_value(c) else { break };
        first.get_or_insert(d);
        num = num.and_then(|n| n.checked_mul(10)?.checked_add(d as i128));
        digits += 1;
        pos += c.len_utf8();
    }
    let leading_zero = digits > 1 && first == Some(0);
    let mut separated = false;
    if digits <= 3 && !leading_zero {
        // A group is exactly three ASCII digits not followed by a fourth.
        while b.get(pos) == Some(&b',')
            && b.len() >= pos + 4
            && b[pos + 1..pos + 4].iter().all(u8::is_ascii_digit)
            && !b.get(pos + 4).is_some_and(u8::is_ascii_digit)
        {
            for &d in &b[pos + 1..pos + 4] {
                num = num.and_then(|n| n.checked_mul(10)?.checked_add((d - b'0') as i128));
            }
            digits += 3;
            separated = true;
            pos += 4;
        }
    }
    let mut scale = 0u32;
    let mut decimal = false;
    let dot_len = |p: usize| match char_at(text, p) {
        Some('.') => Some(1),
        Some('．') => Some('．'.len_utf8()),
        _ => None,
    };
    if let Some(dl) = dot_len(pos) {
        if char_at(text, pos + dl).and_then(digit_value).is_some() {
            decimal = true;
            pos += dl;
            while let Some(c) = char_at(text, pos) {
                let Some(d) = digit_value(c) else { break };
                num = num.and_then(|n| n.checked_mul(10)?.checked_add(d as i128));
                scale += 1;
                pos += c.len_utf8();
            }
        }
    }
    if scale > MAX_SCALE {
        num = None;
    }
    let end = pos;
    // `.`, `/`, `:` followed by another digit: 2025.11.17, 11/17, 7:48, 1.2.3.
    let mut chain = false;
    let mut chain_end = end;
    while let Some(c @ ('.' | '/' | ':' | '：' | '．')) = char_at(text, chain_end) {
        let sep = c.len_utf8();
        if char_at(text, chain_end + sep)
            .and_then(digit_value)
            .is_none()
        {
            break;
        }
        chain = true;
        chain_end += sep;
        while let Some(c) = char_at(text, chain_end) {
            if digit_value(c).is_none() {
                break;
            }
            chain_end += c.len_utf8();
        }
    }
    ArabicRead {
        value: num.map(|n| Dec { num: n, scale }.normalized()),
        end,
        info: ArabicInfo {
            int_digits: digits,
            separated,
            decimal,
            leading_zero,
        },
        chain,
        chain_end,
    }
}

/// Splits a run of Arabic and Chinese numeral characters into tokens.
fn lex_numeral(text: &str, start: usize, formal: bool) -> Lexed {
    let mut lx = Lexed {
        toks: Vec::new(),
        ends: Vec::new(),
        arabic: None,
        chain: false,
        chain_end: start,
    };
    let mut pos = start;
    let mut approx_seen = false;
    while let Some(c) = char_at(text, pos) {
        if lx.toks.len() >= 40 {
            break;
        }
        let last = lx.toks.last().copied();
        if digit_value(c).is_some() {
            if matches!(
                last,
                Some(Tok::Num(_) | Tok::Digit(_) | Tok::Zero | Tok::Approx(_))
            ) {
                break;
            }
            let a = read_arabic(text, pos);
            if a.chain {
                lx.chain = true;
                lx.chain_end = a.chain_end;
            }
            let Some(v) = a.value else {
                // Too long to be a count: swallow it so that no part of it is read.
                lx.chain = true;
                lx.chain_end = lx.chain_end.max(a.end);
                break;
            };
            lx.toks.push(Tok::Num(v));
            lx.ends.push(a.end);
            lx.arabic.get_or_insert(a.info);
            pos = a.end;
            if a.chain {
                break;
            }
            continue;
        }
        if let Some(t) = cjk_tok(c).or_else(|| formal.then(|| formal_tok(c)).flatten()) {
            let ok = match t {
                Tok::Digit(_) | Tok::Zero => {
                    // ○ is also a bullet; it is a zero only inside a numeral (二○二五).
                    !(matches!(last, Some(Tok::Num(_) | Tok::Approx(_)))
                        || (c == '○' && lx.toks.is_empty()))
                }
                Tok::Unit(_) => !matches!(last, Some(Tok::Approx(_))),
                _ => true,
            };
            if !ok {
                break;
            }
            lx.toks.push(t);
            pos += c.len_utf8();
            lx.ends.push(pos);
            continue;
        }
        let next_is_unit = is_unit_char(char_at(text, pos + c.len_utf8()));
        let tok = match c {
            '余' | '多' | '来' | '许'
                if !approx_seen
                    && matches!(last, Some(Tok::Num(_) | Tok::Unit(_) | Tok::Big(_))) =>
            {
                Tok::Approx(if matches!(c, '余' | '多') {
                    Approx::AtLeast
                } else {
                    Approx::About
                })
            }
            '几' if !approx_seen && matches!(last, Some(Tok::Unit(_))) => {
                Tok::Approx(Approx::AtLeast)
            }
            '数' | '几' if lx.toks.is_empty() && next_is_unit => Tok::Some,
            _ => break,
        };
        approx_seen |= matches!(tok, Tok::Approx(_));
        lx.toks.push(tok);
        pos += c.len_utf8();
        lx.ends.push(pos);
    }
    lx
}

/// Two adjacent Chinese digits that name a range: 三四 (十), 七八 (个), 一两 (天).
fn is_pair(a: u8, b: u8) -> bool {
    a >= 1 && b == a + 1
}

/// 二〇二五 = 2025: a run of Chinese or Arabic digits read digit by digit.
fn digit_sequence(toks: &[Tok]) -> Option<i64> {
    if toks.len() < 2 || !toks.iter().all(|t| matches!(t, Tok::Digit(_) | Tok::Zero)) {
        return None;
    }
    let mut v: i64 = 0;
    for t in toks {
        let d = match t {
            Tok::Digit(d) => *d as i64,
            _ => 0,
        };
        v = v.checked_mul(10)?.checked_add(d)?;
    }
    Some(v)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    Low,
    High,
    /// Adjacent digits are an error (for [`chinese_numeral`]).
    Strict,
}

/// The value of a positional numeral: 一亿三千万, 三万五千, 十二, 1.1亿, 三万五 (= 35000).
fn evaluate(toks: &[Tok], pick: Pick) -> Option<Dec> {
    let mut total = Dec::ZERO;
    let mut section = Dec::ZERO;
    let mut number: Option<Dec> = None;
    // Units inside a section must fall (千 then 百 then 十).
    let mut small_floor = u32::MAX;
    // The latest unit, for the spoken short form 一千五 = 1500.
    let mut last_unit: i128 = 0;
    let mut number_after_unit = false;
    let mut zero_seen = false;
    let mut prev: Option<Tok> = None;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        match t {
            Tok::Digit(d) => {
                if number.is_some() {
                    return None;
                }
                let mut v = d;
                if let Some(Tok::Digit(d2)) = toks.get(i + 1) {
                    if pick == Pick::Strict || !is_pair(d, *d2) {
                        return None;
                    }
                    if pick == Pick::High {
                        v = *d2;
                    }
                    i += 1;
                }
                number = Some(Dec::int(v as i128));
                number_after_unit = matches!(prev, Some(Tok::Unit(_) | Tok::Big(_)));
            }
            Tok::Num(n) => {
                if number.is_some() {
                    return None;
                }
                number = Some(n);
                number_after_unit = matches!(prev, Some(Tok::Unit(_) | Tok::Big(_)));
            }
            Tok::Zero => {
                if number.is_some() {
                    return None;
                }
                zero_seen = true;
            }
            Tok::Unit(u) => {
                if u >= small_floor {
                    return None;
                }
                let n = match number.take() {
                    Some(n) => n,
                    None if zero_seen => return None,
                    None => Dec::int(1),
                };
                section = section.add(n.mul_int(u as i128)?)?;
                small_floor = u;
                last_unit = u as i128;
                zero_seen = false;
            }
            Tok::Big(e) => {
                let m = 10i128.pow(e);
                let v = section.add(number.take().unwrap_or(Dec::ZERO))?;
                if e == 8 {
                    let base = total.add(v)?;
                    let base = if base.is_zero() { Dec::int(1) } else { base };
                    total = base.mul_int(m)?;
                } else {
                    let v = if v.is_zero() {
                        if !total.is_zero() {
                            return None;
                        }
                        Dec::int(1)
                    } else {
                        v
                    };
                    total = total.add(v.mul_int(m)?)?;
                }
                section = Dec::ZERO;
                small_floor = u32::MAX;
                last_unit = m;
                zero_seen = false;
            }
            Tok::Approx(_) | Tok::Some => {}
        }
        prev = Some(toks[i]);
        i += 1;
    }
    let mut tail = number.unwrap_or(Dec::ZERO);
    if number.is_some() && number_after_unit && !zero_seen && last_unit >= 100 {
        tail = tail.mul_int(last_unit / 10)?;
    }
    total.add(section)?.add(tail)
}

// ---------------------------------------------------------------------------------------------
// Cores: a number without its qualifiers.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Arabic,
    Cjk,
    English,
    Idiom,
}

#[derive(Debug, Clone, Copy)]
struct Core {
    start: usize,
    end: usize,
    low: Dec,
    /// 三四十, 七八个.
    high: Option<Dec>,
    approx: Option<Approx>,
    /// An order of magnitude: 数百, dozens, 成千上万.
    vague: bool,
    /// "a hundred", "a dozen".
    article: bool,
    kind: Kind,
    /// A multiplier (十百千万亿, hundred, million) is written.
    has_mult: bool,
    /// The multiplier written at the end (万 in 15万, million in "15 million"), else 1.
    tail_mult: i128,
    /// Starts with 百/千/万/亿 without a digit.
    leading_unit: bool,
    /// A single Chinese character: 一, 两, 十, 万.
    lone_char: bool,
    arabic: Option<ArabicInfo>,
    /// The English word "one" alone.
    lone_one: bool,
}

impl Core {
    fn new(start: usize, end: usize, low: Dec, kind: Kind) -> Core {
        Core {
            start,
            end,
            low,
            high: None,
            approx: None,
            vague: false,
            article: false,
            kind,
            has_mult: false,
            tail_mult: 1,
            leading_unit: false,
            lone_char: false,
            arabic: None,
            lone_one: false,
        }
    }
}

enum CoreAt {
    Core(Core),
    /// Not a number; resume scanning here (the whole date, code or word is skipped).
    Skip(usize),
    None,
}

fn core_at(text: &str, pos: usize) -> CoreAt {
    let Some(c) = char_at(text, pos) else {
        return CoreAt::None;
    };
    if c.is_ascii_alphabetic() {
        if !starts_english_number(&text[pos..word_end(text, pos)]) {
            return CoreAt::None;
        }
        return english_core(text, pos).map_or(CoreAt::None, CoreAt::Core);
    }
    if c == '成' || c == '数' {
        let rest = &text[pos..];
        if let Some((w, v)) = CJK_IDIOMS.iter().find(|(w, _)| rest.starts_with(*w)) {
            let mut core = Core::new(pos, pos + w.len(), Dec::int(*v as i128), Kind::Idiom);
            core.vague = true;
            return CoreAt::Core(core);
        }
        if c == '成' {
            return CoreAt::None;
        }
    }
    if digit_value(c).is_some()
        || cjk_tok(c).is_some()
        || ((c == '数' || c == '几') && is_unit_char(char_at(text, pos + c.len_utf8())))
    {
        return numeral_core(text, pos);
    }
    CoreAt::None
}

fn numeral_core(text: &str, start: usize) -> CoreAt {
    let lx = lex_numeral(text, start, false);
    if lx.chain {
        return CoreAt::Skip(lx.chain_end.max(lx.ends.last().copied().unwrap_or(start)));
    }
    let Some(&full_end) = lx.ends.last() else {
        return CoreAt::None;
    };
    if digit_sequence(&lx.toks).is_some() && !pair_only(&lx.toks) {
        return CoreAt::Skip(full_end);
    }
    // The longest prefix that reads as a numeral; a stray trailing character is left over.
    let mut n = lx.toks.len();
    let low = loop {
        if n == 0 {
            return CoreAt::Skip(full_end);
        }
        if let Some(v) = evaluate(&lx.toks[..n], Pick::Low) {
            break v;
        }
        n -= 1;
    };
    let toks = &lx.toks[..n];
    let end = lx.ends[n - 1];
    let has_pair = toks
        .windows(2)
        .any(|w| matches!(w, [Tok::Digit(a), Tok::Digit(b)] if is_pair(*a, *b)));
    let high = if has_pair {
        evaluate(toks, Pick::High)
    } else {
        None
    };
    let any_cjk = toks.iter().any(|t| !matches!(t, Tok::Num(_)));
    let mut core = Core::new(
        start,
        end,
        low,
        if matches!(toks[0], Tok::Num(_)) {
            Kind::Arabic
        } else {
            Kind::Cjk
        },
    );
    core.high = high;
    core.arabic = lx.arabic;
    core.approx = toks.iter().find_map(|t| match t {
        Tok::Approx(a) => Some(*a),
        _ => None,
    });
    core.vague = toks.first() == Some(&Tok::Some);
    core.has_mult = toks.iter().any(|t| matches!(t, Tok::Unit(_) | Tok::Big(_)));
    core.leading_unit = matches!(toks[0], Tok::Big(_) | Tok::Unit(100 | 1000));
    core.lone_char = n == 1 && !matches!(toks[0], Tok::Num(_));
    core.tail_mult = tail_multiplier(toks);
    if !any_cjk {
        // 3.5 million, 2bn, 40.86 billion.
        if let Some((m, e)) = english_scale_after(text, end) {
            if let Some(v) = core.low.mul_int(m as i128) {
                core.low = v;
                core.end = e;
                core.has_mult = true;
                core.tail_mult = m as i128;
            }
        }
    }
    CoreAt::Core(core)
}

/// 七八 alone: a range, not a digit-by-digit number.
fn pair_only(toks: &[Tok]) -> bool {
    matches!(toks, [Tok::Digit(a), Tok::Digit(b)] if is_pair(*a, *b))
}

/// The product of the units after the last digit: 千万 in 3千万, 万 in 十五万.
fn tail_multiplier(toks: &[Tok]) -> i128 {
    let mut m: i128 = 1;
    for t in toks.iter().rev() {
        match t {
            Tok::Unit(u) => m = m.saturating_mul(*u as i128),
            Tok::Big(e) => m = m.saturating_mul(10i128.pow(*e)),
            Tok::Approx(_) => {}
            _ => break,
        }
    }
    m
}

/// " million", " billion", "bn" right after digits.
fn english_scale_after(text: &str, end: usize) -> Option<(i64, usize)> {
    let s = skip_spaces(text, end);
    if s - end > 1 {
        return None;
    }
    let we = word_end(text, s);
    let w = &text[s..we];
    let spaced = s > end;
    EN_SCALES
        .iter()
        .find(|(n, _)| w.eq_ignore_ascii_case(n))
        .or_else(|| {
            EN_SCALE_ABBREVIATIONS
                .iter()
                .find(|(n, _)| w.eq_ignore_ascii_case(n))
        })
        .filter(|_| spaced || w.len() <= 3)
        .map(|(_, m)| (*m, we))
}

fn lookup(table: &[(&str, i64)], w: &str) -> Option<i64> {
    table
        .iter()
        .find(|(n, _)| w.eq_ignore_ascii_case(n))
        .map(|(_, v)| *v)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    Start,
    Article,
    Small(i64),
    Tens,
    Hundred,
    Scale,
    And,
}

/// English number words starting at the word at `start`.
fn english_core(text: &str, start: usize) -> Option<Core> {
    let wend = word_end(text, start);
    let w = &text[start..wend];
    if let Some(v) = lookup(EN_VAGUE, w) {
        return english_vague(text, start, wend, v);
    }
    // "several hundred", "a few thousand".
    let few_end = if w.eq_ignore_ascii_case("several") {
        Some(wend)
    } else if w.eq_ignore_ascii_case("a") && word_after(text, wend).eq_ignore_ascii_case("few") {
        let s = skip_spaces(text, wend);
        Some(word_end(text, s))
    } else {
        None
    };
    if let Some(fe) = few_end {
        let s = skip_spaces(text, fe);
        let we = word_end(text, s);
        let v = lookup(EN_SCALES, &text[s..we])?;
        if s == fe {
            return None;
        }
        let mut core = Core::new(start, we, Dec::int(v as i128), Kind::English);
        core.vague = true;
        core.has_mult = true;
        core.tail_mult = v as i128;
        return Some(core);
    }

    let mut total: i128 = 0;
    let mut current: i128 = 0;
    let mut last = Last::Start;
    let mut last_scale = i128::MAX;
    let mut article = false;
    let mut committed: Option<(usize, i128, i128, bool, usize)> = None;
    let mut tail: i128 = 1;
    let mut words = 0usize;
    let mut pos = start;
    loop {
        let we = word_end(text, pos);
        let w = &text[pos..we];
        if w.is_empty() || w.len() > 12 {
            break;
        }
        let mut commit = true;
        if w.eq_ignore_ascii_case("a") {
            if last != Last::Start {
                break;
            }
            let next = word_after(text, we);
            let ok = lookup(EN_SCALES, next).is_some() || next.eq_ignore_ascii_case("dozen");
            if !ok || skip_spaces(text, we) == we {
                break;
            }
            last = Last::Article;
            current = 1;
            article = true;
            commit = false;
        } else if w.eq_ignore_ascii_case("and") {
            if !matches!(last, Last::Hundred | Last::Scale) {
                break;
            }
            let next = word_after(text, we);
            if lookup(EN_SMALL, next).is_none() && lookup(EN_TENS, next).is_none() {
                break;
            }
            last = Last::And;
            commit = false;
        } else if w.eq_ignore_ascii_case("dozen") {
            if !matches!(last, Last::Article | Last::Small(_)) {
                break;
            }
            current = current.max(1) * 12;
            tail = 1;
            words += 1;
            committed = Some((we, total, current, article, words));
            break;
        } else if let Some(v) = lookup(EN_SMALL, w) {
            let ok = match last {
                Last::Start | Last::Hundred | Last::Scale | Last::And => true,
                Last::Tens => (1..=9).contains(&v),
                _ => false,
            };
            if !ok {
                break;
            }
            current += v as i128;
            last = Last::Small(v);
            tail = 1;
        } else if let Some(v) = lookup(EN_TENS, w) {
            if !matches!(last, Last::Start | Last::Hundred | Last::Scale | Last::And) {
                break;
            }
            current += v as i128;
            last = Last::Tens;
            tail = 1;
        } else if let Some(v) = lookup(EN_SCALES, w) {
            let v = v as i128;
            if v == 100 {
                if !matches!(last, Last::Article | Last::Small(_)) || current >= 100 {
                    break;
                }
                current = current.max(1) * 100;
                last = Last::Hundred;
            } else {
                if !matches!(
                    last,
                    Last::Article | Last::Small(_) | Last::Tens | Last::Hundred
                ) || v >= last_scale
                {
                    break;
                }
                total = total.checked_add(current.max(1).checked_mul(v)?)?;
                current = 0;
                last_scale = v;
                last = Last::Scale;
            }
            tail = v;
        } else {
            break;
        }
        if commit {
            words += 1;
            committed = Some((we, total, current, article, words));
        }
        // The next word: after spaces, or after a hyphen inside "ninety-nine".
        match text.as_bytes().get(we) {
            Some(b'-') if last == Last::Tens && next_is_letter(text, we + 1) => pos = we + 1,
            Some(b' ') => {
                let s = skip_spaces(text, we);
                if !next_is_letter(text, s) {
                    break;
                }
                pos = s;
            }
            _ => break,
        }
    }
    let (end, total, current, article, words) = committed?;
    // twenty-first, one-third, three-day: an ordinal, a fraction or an adjective.
    if text.as_bytes().get(end) == Some(&b'-') && next_is_letter(text, end + 1) {
        return None;
    }
    let value = total.checked_add(current)?;
    let mut core = Core::new(start, end, Dec::int(value), Kind::English);
    core.article = article;
    core.has_mult = tail > 1 || total > 0 || current >= 100;
    core.tail_mult = tail;
    core.lone_one = words == 1 && value == 1 && !article;
    Some(core)
}

/// tens, dozens, hundreds, thousands (of thousands) (of).
fn english_vague(text: &str, start: usize, wend: usize, v: i64) -> Option<Core> {
    let mut value = v as i128;
    let mut end = wend;
    let of_at = |e: usize| -> Option<usize> {
        let s = skip_spaces(text, e);
        (s > e && word_at_ci(text, s, "of")).then_some(s + 2)
    };
    if let Some(after_of) = of_at(end) {
        let s = skip_spaces(text, after_of);
        let we = word_end(text, s);
        if s > after_of {
            if let Some(v2) = lookup(&EN_VAGUE[3..], &text[s..we]) {
                value *= v2 as i128;
                end = we;
            }
        }
    }
    let of_end = of_at(end);
    if v == 10 && end == wend && of_end.is_none() {
        // "tens" alone is not a count.
        return None;
    }
    let mut core = Core::new(start, of_end.unwrap_or(end), Dec::int(value), Kind::English);
    core.vague = true;
    core.has_mult = true;
    core.tail_mult = value;
    Some(core)
}

// ---------------------------------------------------------------------------------------------
// Mentions: a core with its qualifiers, checked against its context.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Scanning running text: context rules apply.
    Find,
    /// One whole expression ([`parse_number`]): no context rules.
    Whole,
}

#[derive(Debug, Clone)]
struct Found {
    mention: NumberMention,
    /// The number carries 万 or 亿 (candidate for a bare amount of money).
    big_cjk: bool,
    /// Where the number itself (without prefix qualifiers) starts and ends.
    core_start: usize,
    core_end: usize,
}

#[derive(Debug, Clone, Copy)]
struct Prefix {
    start: usize,
    qualifier: Option<Qualifier>,
    between: bool,
    /// 上百, 上千: "hundreds", an order of magnitude.
    vague: bool,
    /// A Chinese qualifier written right against the number.
    attached: bool,
}

fn no_prefix(start: usize) -> Prefix {
    Prefix {
        start,
        qualifier: None,
        between: false,
        vague: false,
        attached: false,
    }
}

fn prefix_qualifier(text: &str, core: &Core, floor: usize) -> Prefix {
    let before = &text[floor..core.start];
    let trimmed = before.trim_end_matches(is_space);
    let spaced = trimmed.len() < before.len();
    let last = trimmed.chars().next_back();
    let cjk_candidate = last.is_some_and(|c| CJK_PREFIXES.iter().any(|(p, ..)| p.ends_with(c)));
    for &(p, q, only_leading) in CJK_PREFIXES.iter().filter(|_| cjk_candidate) {
        if !trimmed.ends_with(p) || (only_leading && (!core.leading_unit || spaced)) {
            continue;
        }
        let head = &trimmed[..trimmed.len() - p.len()];
        // 最近, 附近, 临近: "recent", "nearby", not "nearly".
        if p == "近" && head.ends_with(['最', '附', '临', '靠', '邻', '就']) {
            continue;
        }
        return Prefix {
            start: floor + head.len(),
            qualifier: Some(q),
            between: false,
            vague: p == "上",
            attached: !spaced,
        };
    }
    if !spaced || !last.is_some_and(|c| c.is_ascii_alphabetic() || c == '.') {
        return no_prefix(core.start);
    }
    for &(p, q) in EN_PREFIXES {
        if !ends_with_ci(trimmed, p) {
            continue;
        }
        let s = trimmed.len() - p.len();
        if s > 0 && trimmed.as_bytes()[s - 1].is_ascii_alphanumeric() {
            continue;
        }
        return Prefix {
            start: floor + s,
            qualifier: q,
            between: q.is_none(),
            vague: false,
            attached: false,
        };
    }
    no_prefix(core.start)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Word,
    Dash,
}

/// A range separator and a second number after `core`.
fn range_after(text: &str, core: &Core, between: bool) -> Option<(Core, Sep)> {
    let p = skip_spaces(text, core.end);
    let rest = &text[p..];
    let (len, sep) = if let Some(c) = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '到' | '至' | '~' | '～' | '〜' | '-' | '－' | '–' | '—'))
    {
        (
            c.len_utf8(),
            if matches!(c, '到' | '至') {
                Sep::Word
            } else {
                Sep::Dash
            },
        )
    } else if p > core.end && word_at_ci(text, p, "to") {
        (2, Sep::Word)
    } else if between && p > core.end && word_at_ci(text, p, "and") {
        (3, Sep::Word)
    } else {
        return None;
    };
    let q = skip_spaces(text, p + len);
    // "to" and "and" are words: "10 to15" is not a range.
    if rest.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) && q == p + len {
        return None;
    }
    match core_at(text, q) {
        CoreAt::Core(h) => Some((h, sep)),
        _ => None,
    }
}

fn classifier_after(text: &str, end: usize) -> bool {
    classifier_at(&text[end..]).is_some()
}

/// [`CLASSIFIERS`] by first character, each list longest first.
static CLASSIFIER_INDEX: LazyLock<HashMap<char, Vec<&'static str>>> = LazyLock::new(|| {
    let mut index: HashMap<char, Vec<&'static str>> = HashMap::new();
    for u in CLASSIFIERS {
        if let Some(c) = u.chars().next() {
            index.entry(c).or_default().push(u);
        }
    }
    for list in index.values_mut() {
        list.sort_by_key(|u| std::cmp::Reverse(u.len()));
    }
    index
});

/// The longest classifier at the start of `rest`; a hash lookup on its first character.
fn classifier_at(rest: &str) -> Option<&'static str> {
    let c = rest.chars().next()?;
    CLASSIFIER_INDEX
        .get(&c)?
        .iter()
        .find(|u| rest.starts_with(**u))
        .copied()
}

fn count_noun_after(text: &str, end: usize) -> bool {
    let s = skip_spaces(text, end);
    if s == end {
        return false;
    }
    let w = word_after(text, s);
    COUNT_NOUNS.iter().any(|n| w.eq_ignore_ascii_case(n))
}

/// A plain four-digit number that reads as a year.
fn year_like(core: &Core) -> bool {
    core.kind == Kind::Arabic
        && !core.has_mult
        && core.approx.is_none()
        && core
            .arabic
            .is_some_and(|a| a.int_digits == 4 && !a.separated && !a.decimal && !a.leading_zero)
        && core
            .low
            .to_i64()
            .is_some_and(|v| (1900..=2100).contains(&v))
}

fn build(text: &str, core: &Core, floor: usize, mode: Mode) -> Result<Found, usize> {
    let find = mode == Mode::Find;
    let mut pre = prefix_qualifier(text, core, floor);

    // Ranges: 10到15, 10-15, "10 to 15", "between 10 and 15".
    let mut end = core.end;
    let mut low = core.low;
    let mut high = core.high;
    let mut high_core: Option<Core> = None;
    if core.high.is_none() && !core.vague && core.kind != Kind::Idiom {
        if let Some((hc, sep)) = range_after(text, core, pre.between) {
            let scaled = if !core.has_mult && hc.tail_mult > 1 {
                core.low.mul_int(hc.tail_mult)
            } else {
                Some(core.low)
            };
            let ok = hc.high.is_none()
                && !hc.vague
                && hc.kind != Kind::Idiom
                && scaled.is_some_and(|l| lt(l, hc.low));
            if ok {
                low = scaled.unwrap_or(core.low);
                high = Some(hc.low);
                end = hc.end;
                high_core = Some(hc);
            } else if find
                && sep == Sep::Dash
                && core.kind == Kind::Arabic
                && hc.kind == Kind::Arabic
            {
                // 3-2, 010-8888, 2025-11: a score, a phone number or a date, not two counts.
                return Err(hc.end);
            }
        }
    }
    if pre.between && high_core.is_none() {
        pre = no_prefix(core.start);
    }
    let approx = core.approx.or(high_core.and_then(|h| h.approx));

    // Qualifiers written after the number.
    let mut suffix: Option<Qualifier> = None;
    let mut span_end = end;
    let rest = &text[end..];
    for (w, q) in [
        ("以上", Qualifier::AtLeast),
        ("左右", Qualifier::About),
        ("以下", Qualifier::AtMost),
        ("以内", Qualifier::AtMost),
    ] {
        if rest.starts_with(w) {
            suffix = Some(q);
            span_end = end + w.len();
            break;
        }
    }
    if suffix.is_none() {
        if rest.starts_with('+') && core.kind == Kind::Arabic && high_core.is_none() {
            suffix = Some(Qualifier::AtLeast);
            span_end = end + 1;
        } else if starts_with_ci(rest, "-plus") && !next_is_letter(text, end + 5) {
            suffix = Some(Qualifier::AtLeast);
            span_end = end + 5;
        } else {
            let s = skip_spaces(text, end);
            if s > end && word_at_ci(text, s, "or") {
                let t = skip_spaces(text, s + 2);
                if t > s + 2 && word_at_ci(text, t, "more") {
                    suffix = Some(Qualifier::AtLeast);
                    span_end = t + 4;
                } else if t > s + 2 && word_at_ci(text, t, "so") {
                    suffix = Some(Qualifier::About);
                    span_end = t + 2;
                }
            }
        }
    }
    // 300人以上, 500名左右: applied, but the span stops before the measure word.
    let mut late_suffix: Option<Qualifier> = None;
    if suffix.is_none() {
        if let Some(u) = classifier_at(rest) {
            let after = &rest[u.len()..];
            late_suffix = [
                ("以上", Qualifier::AtLeast),
                ("左右", Qualifier::About),
                ("以下", Qualifier::AtMost),
                ("以内", Qualifier::AtMost),
            ]
            .iter()
            .find(|(w, _)| after.starts_with(w))
            .map(|(_, q)| *q);
        }
    }

    let last_core = high_core.unwrap_or(*core);
    if find && rejected(text, core, &last_core, end, &pre, approx) {
        return Err(end.max(core.end));
    }

    let low_v = low.to_i64().ok_or(end)?;
    let high_v = match high {
        Some(h) => Some(h.to_i64().ok_or(end)?),
        None => None,
    };
    if high_v.is_some_and(|h| h <= low_v) {
        return Err(end);
    }
    // "over a hundred", 逾千, 近百: a round number without a digit, qualified, is an order of
    // magnitude like "hundreds".
    let vague = core.vague
        || approx.is_some()
        || pre.vague
        || ((core.article || core.leading_unit)
            && matches!(pre.qualifier, Some(Qualifier::AtLeast | Qualifier::About)));
    let qualifier = if high_v.is_some() {
        Qualifier::Range
    } else {
        pre.qualifier
            .or(suffix)
            .or(late_suffix)
            .or(approx.map(|a| match a {
                Approx::AtLeast => Qualifier::AtLeast,
                Approx::About => Qualifier::About,
            }))
            .or(vague.then_some(Qualifier::AtLeast))
            .unwrap_or(Qualifier::Exact)
    };
    let big_cjk = core.has_mult
        && text[core.start..end]
            .chars()
            .any(|c| matches!(c, '万' | '亿' | '萬' | '億'));
    Ok(Found {
        mention: NumberMention {
            span: pre.start..span_end,
            quantity: Quantity {
                value: low_v,
                value_max: high_v,
                qualifier,
                vague,
            },
        },
        big_cjk,
        core_start: core.start,
        core_end: end,
    })
}

fn lt(a: Dec, b: Dec) -> bool {
    // Both come from texts with at most MAX_SCALE decimals and fit in i128 after alignment.
    let s = a.scale.max(b.scale);
    let x = a.num.checked_mul(10i128.pow(s - a.scale));
    let y = b.num.checked_mul(10i128.pow(s - b.scale));
    matches!((x, y), (Some(x), Some(y)) if x < y)
}

/// Context rules for running text: dates, times, percentages, ordinals, codes, words.
fn rejected(
    text: &str,
    core: &Core,
    last: &Core,
    end: usize,
    pre: &Prefix,
    approx: Option<Approx>,
) -> bool {
    let before = &text[..core.start];
    let after = &text[end..];
    let prev = before.chars().next_back();
    let next = after.chars().next();
    let last_v = last.low.to_i64().unwrap_or(-1);
    let classifier = classifier_after(text, end);

    if core.kind == Kind::Idiom {
        return false;
    }
    // Ordinals, weekdays, lunar days: 第三, 周三, 星期五, 初三.
    if before.ends_with('第') {
        return true;
    }
    if core.kind == Kind::Cjk
        && core.lone_char
        && (before.ends_with("星期") || before.ends_with("礼拜") || before.ends_with(['周', '初']))
    {
        return true;
    }
    // List markers: "1. ", "2、", "3)" at the start of a line.
    let line_head = before
        .rsplit('\n')
        .next()
        .is_some_and(|l| l.chars().all(|c| is_space(c) || matches!(c, '(' | '（')));
    if line_head && after.starts_with(['.', '、', ')', '）', '．']) {
        return true;
    }
    // Percentages and fractions.
    if before.ends_with("分之")
        || after.starts_with("分之")
        || after.trim_start().starts_with(['%', '％', '‰'])
        || after.starts_with("个百分点")
        || after.starts_with("百分点")
        || word_at_ci(text, skip_spaces(text, end), "percent")
        || word_at_ci(text, skip_spaces(text, end), "per")
            && word_after(text, skip_spaces(text, end) + 3).eq_ignore_ascii_case("cent")
    {
        return true;
    }
    // Chinese dates and times.
    if after.starts_with("年代") {
        return true;
    }
    // 2025年 is a year; 3年 a duration (reported, the caller reads the unit).
    if after.starts_with('年') && last_v >= 1000 {
        return true;
    }
    if after.starts_with('月') && (1..=12).contains(&last_v) {
        return true;
    }
    if after.starts_with(['日', '号', '號']) && (1..=31).contains(&last_v) {
        return true;
    }
    if before.ends_with('月') && core.kind != Kind::English {
        return true;
    }
    if after.starts_with(['点', '點', '时', '時']) && last_v <= 24 {
        return true;
    }
    if before.ends_with(['点', '时', ':', '：'])
        && (after.starts_with('分') || core.kind == Kind::Arabic)
    {
        return true;
    }
    if core.kind != Kind::English {
        // English times and dates.
        let s = skip_spaces(text, end);
        let tail = &text[s..];
        let time_word = ["a.m.", "p.m.", "o'clock", "o’clock"]
            .iter()
            .any(|w| starts_with_ci(tail, w))
            || (word_at_ci(text, s, "am") || word_at_ci(text, s, "pm"));
        if time_word && (0..=12).contains(&last_v) {
            return true;
        }
        if is_month_name(word_before(text, core.start, b".,"))
            || is_month_name(word_after(text, end))
        {
            return true;
        }
    }
    // Code-like strings.
    if core.kind == Kind::Arabic {
        if let Some(p) = prev {
            let letters = word_before(text, core.start, b"");
            // RMB2 million: a currency code, not a product code like A320.
            let currency = !letters.is_empty()
                && CURRENCY_CODES
                    .iter()
                    .any(|c| letters.eq_ignore_ascii_case(c));
            if (p.is_ascii_alphanumeric() && !currency)
                || matches!(p, '#' | '_' | '/' | '\\' | '@' | '.' | '+' | '＃' | '№')
            {
                return true;
            }
            if p == '-'
                && char_before(text, core.start - 1).is_some_and(|c| c.is_ascii_alphanumeric())
            {
                return true;
            }
        }
        let no = before.trim_end_matches(' ');
        if no.ends_with("No.") || no.ends_with("no.") || no.ends_with("NO.") {
            return true;
        }
        if next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            return true;
        }
        // 10-day, 3-year-old: a measure used as an adjective. 300-plus and 1,200-strong count.
        if next == Some('-')
            && next_is_letter(text, end + 1)
            && !starts_with_ci(after, "-plus")
            && !starts_with_ci(after, "-strong")
        {
            return true;
        }
        if let Some(a) = core.arabic {
            if a.leading_zero {
                return true;
            }
            if !a.separated
                && !a.decimal
                && a.int_digits >= 6
                && (a.int_digits >= 12 || !classifier)
            {
                return true;
            }
        }
    }
    // Bare years.
    let qualified = pre.qualifier.is_some() || pre.between;
    if (year_like(core) || year_like(last))
        && !(qualified || classifier || count_noun_after(text, end))
    {
        return true;
    }
    // Chinese words that contain numerals: 一些, 十分, 四川, 千万, 百姓.
    if core.kind == Kind::Cjk {
        let needs_support =
            (core.lone_char || core.leading_unit) && core.high.is_none() && !core.vague;
        let leading_ok = core.leading_unit && approx.is_some();
        if needs_support && !leading_ok && !classifier && !pre.attached {
            return true;
        }
    }
    // one-on-one, well-known: a word part, not a count.
    if core.kind == Kind::English
        && prev == Some('-')
        && char_before(text, core.start - 1).is_some_and(|c| c.is_ascii_alphabetic())
    {
        return true;
    }
    if core.kind == Kind::English && core.lone_one {
        let w = word_before(text, core.start, b"");
        if ONE_PRONOUN_BEFORE.iter().any(|p| w.eq_ignore_ascii_case(p)) {
            return true;
        }
    }
    false
}

fn scan(text: &str, mode: Mode) -> Vec<Found> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut pos = 0;
    let mut floor = 0;
    while pos < b.len() {
        let byte = b[pos];
        if byte < 0x80 && !byte.is_ascii_alphanumeric() {
            pos += 1;
            continue;
        }
        if byte.is_ascii_alphabetic() && pos > 0 && b[pos - 1].is_ascii_alphanumeric() {
            // Inside a word or right after digits ("5G"): skip the rest of the word.
            pos = word_end(text, pos);
            continue;
        }
        match core_at(text, pos) {
            CoreAt::Core(core) => match build(text, &core, floor, mode) {
                Ok(found) => {
                    pos = found.mention.span.end.max(pos + 1);
                    floor = pos;
                    out.push(found);
                }
                Err(skip) => pos = skip.max(core.end).max(pos + 1),
            },
            CoreAt::Skip(to) => pos = to.max(pos + 1),
            CoreAt::None => {
                pos = if byte.is_ascii_alphabetic() {
                    word_end(text, pos)
                } else {
                    pos + char_at(text, pos).map_or(1, char::len_utf8)
                };
            }
        }
        while pos < b.len() && !text.is_char_boundary(pos) {
            pos += 1;
        }
    }
    out
}

/// The span of a sum in yuan around a found number, or `None` when it is not one.
fn yuan_span(text: &str, f: &Found, floor: usize) -> Option<Range<usize>> {
    let span = &f.mention.span;
    let after_start = skip_spaces(text, span.end);
    let after = &text[after_start..];
    let before_full = &text[floor.min(span.start)..span.start];
    let before = before_full.trim_end_matches(is_space);
    if FOREIGN_AFTER.iter().any(|w| after.starts_with(w))
        || FOREIGN_AFTER_EN
            .iter()
            .any(|w| word_at_ci(text, after_start, w))
        || FOREIGN_BEFORE.iter().any(|w| before.ends_with(w))
    {
        return None;
    }
    let mut start = span.start;
    let mut end = span.end;
    let mut yuan = false;
    if let Some(w) = YUAN_BEFORE.iter().find(|w| before.ends_with(**w)) {
        let s = floor.min(span.start) + before.len() - w.len();
        // US$ and HK$ end with "$", caught above; RMB must not be the tail of a longer word.
        let boundary = !w.is_ascii() || s == 0 || !text.as_bytes()[s - 1].is_ascii_alphabetic();
        if boundary {
            start = s;
            yuan = true;
        }
    }
    if let Some(w) = YUAN_AFTER.iter().find(|w| after.starts_with(**w)) {
        end = after_start + w.len();
        yuan = true;
    } else if let Some(w) = YUAN_AFTER_EN
        .iter()
        .find(|w| word_at_ci(text, after_start, w))
    {
        end = after_start + w.len();
        yuan = true;
    }
    if !yuan && f.big_cjk && !classifier_after(text, f.core_end) {
        let window_start = text[..f.core_start]
            .char_indices()
            .rev()
            .nth(15)
            .map_or(0, |(i, _)| i);
        let window = &text[window_start..f.core_start];
        if MONEY_CUES.iter().any(|c| window.contains(c)) {
            yuan = true;
        }
    }
    yuan.then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Qualifier::*;

    fn q(value: i64, qualifier: Qualifier, vague: bool) -> Quantity {
        Quantity {
            value,
            value_max: None,
            qualifier,
            vague,
        }
    }

    fn range(value: i64, max: i64) -> Quantity {
        Quantity {
            value,
            value_max: Some(max),
            qualifier: Range,
            vague: false,
        }
    }

    /// (text, expected mentions as (covered text, quantity)).
    fn check_find(text: &str, want: &[(&str, Quantity)]) {
        let got = find_numbers(text);
        let got: Vec<(&str, Quantity)> = got
            .iter()
            .map(|m| (&text[m.span.clone()], m.quantity))
            .collect();
        assert_eq!(got, want, "in {text:?}");
    }

    #[test]
    fn parse_number_table() {
        let cases: &[(&str, Quantity)] = &[
            ("2,200", q(2200, Exact, false)),
            ("11,000", q(11000, Exact, false)),
            ("1.1亿", q(110_000_000, Exact, false)),
            ("2.5万", q(25_000, Exact, false)),
            ("40.86 billion", q(40_860_000_000, Exact, false)),
            ("3.5 million", q(3_500_000, Exact, false)),
            ("2bn", q(2_000_000_000, Exact, false)),
            ("3千", q(3000, Exact, false)),
            ("5万", q(50_000, Exact, false)),
            ("１２", q(12, Exact, false)),
            ("二十余", q(20, AtLeast, true)),
            ("十余", q(10, AtLeast, true)),
            ("十多", q(10, AtLeast, true)),
            ("二十多", q(20, AtLeast, true)),
            ("百余", q(100, AtLeast, true)),
            ("十几", q(10, AtLeast, true)),
            ("十来", q(10, About, true)),
            ("1000多", q(1000, AtLeast, true)),
            ("3万余", q(30_000, AtLeast, true)),
            ("十余万", q(100_000, AtLeast, true)),
            ("数十", q(10, AtLeast, true)),
            ("几十", q(10, AtLeast, true)),
            ("数百", q(100, AtLeast, true)),
            ("几百", q(100, AtLeast, true)),
            ("上百", q(100, AtLeast, true)),
            ("数千", q(1000, AtLeast, true)),
            ("上千", q(1000, AtLeast, true)),
            ("数万", q(10_000, AtLeast, true)),
            ("上万", q(10_000, AtLeast, true)),
            ("数十万", q(100_000, AtLeast, true)),
            ("数百万", q(1_000_000, AtLeast, true)),
            ("成千上万", q(1000, AtLeast, true)),
            ("数以千计", q(1000, AtLeast, true)),
            ("约数百", q(100, About, true)),
            ("tens of", q(10, AtLeast, true)),
            ("dozens", q(12, AtLeast, true)),
            ("dozens of", q(12, AtLeast, true)),
            ("hundreds", q(100, AtLeast, true)),
            ("thousands", q(1000, AtLeast, true)),
            ("tens of thousands", q(10_000, AtLeast, true)),
            ("hundreds of thousands", q(100_000, AtLeast, true)),
            ("several hundred", q(100, AtLeast, true)),
            ("over a hundred", q(100, AtLeast, true)),
            ("more than a dozen", q(12, AtLeast, true)),
            ("about 2,200", q(2200, About, false)),
            ("around 300", q(300, About, false)),
            ("approximately 40", q(40, About, false)),
            ("nearly 50", q(50, About, false)),
            ("some 200", q(200, About, false)),
            ("roughly 7", q(7, About, false)),
            ("at least 10", q(10, AtLeast, false)),
            ("no fewer than 8", q(8, AtLeast, false)),
            ("more than 10", q(10, AtLeast, false)),
            ("over 300", q(300, AtLeast, false)),
            ("100 or more", q(100, AtLeast, false)),
            ("100+", q(100, AtLeast, false)),
            ("less than 20", q(20, AtMost, false)),
            ("under 5", q(5, AtMost, false)),
            ("up to 40", q(40, AtMost, false)),
            ("at most 3", q(3, AtMost, false)),
            ("no more than 3", q(3, AtMost, false)),
            ("至少10", q(10, AtLeast, false)),
            ("不少于5", q(5, AtLeast, false)),
            ("超过300", q(300, AtLeast, false)),
            ("逾千", q(1000, AtLeast, true)),
            ("300以上", q(300, AtLeast, false)),
            ("约300", q(300, About, false)),
            ("大约50", q(50, About, false)),
            ("近百", q(100, About, true)),
            ("将近200", q(200, About, false)),
            ("接近40", q(40, About, false)),
            ("100左右", q(100, About, false)),
            ("不到10", q(10, AtMost, false)),
            ("不足百", q(100, AtMost, false)),
            ("约二十余", q(20, About, true)),
            ("10到15", range(10, 15)),
            ("10至15", range(10, 15)),
            ("10-15", range(10, 15)),
            ("10~15", range(10, 15)),
            ("10–15", range(10, 15)),
            ("10 to 15", range(10, 15)),
            ("between 10 and 15", range(10, 15)),
            ("十到十五", range(10, 15)),
            ("10至15万", range(100_000, 150_000)),
            ("1-3亿", range(100_000_000, 300_000_000)),
            ("10 to 15 million", range(10_000_000, 15_000_000)),
            ("two to three hundred", range(200, 300)),
            ("三四十", range(30, 40)),
            ("七八", range(7, 8)),
            ("十七八", range(17, 18)),
            ("one", q(1, Exact, false)),
            ("eleven", q(11, Exact, false)),
            ("ninety-nine", q(99, Exact, false)),
            ("twenty one", q(21, Exact, false)),
            ("a hundred", q(100, Exact, false)),
            ("two hundred and six", q(206, Exact, false)),
            ("one thousand", q(1000, Exact, false)),
            ("a thousand", q(1000, Exact, false)),
            ("two thousand five hundred", q(2500, Exact, false)),
            ("fifteen hundred", q(1500, Exact, false)),
            ("a dozen", q(12, Exact, false)),
            ("two dozen", q(24, Exact, false)),
            ("Three million", q(3_000_000, Exact, false)),
            ("两", q(2, Exact, false)),
            ("一千零五", q(1005, Exact, false)),
            ("三万五千", q(35_000, Exact, false)),
            ("一百二十六", q(126, Exact, false)),
            ("2024", q(2024, Exact, false)),
            ("0", q(0, Exact, false)),
        ];
        for (s, want) in cases {
            assert_eq!(parse_number(s), Some(*want), "{s:?}");
        }
        assert!(cases.len() > 100);
    }

    #[test]
    fn parse_number_rejects() {
        for s in [
            "",
            "abc",
            "2.5",
            "2025.11.17",
            "7:48",
            "3 4",
            "twenty-first",
            "sixth",
            "百分",
            "a",
            "and",
            "10 people",
            "一一",
        ] {
            assert_eq!(parse_number(s), None, "{s:?}");
        }
    }

    #[test]
    fn chinese_numerals() {
        let cases: &[(&str, i64)] = &[
            ("十二", 12),
            ("二十三", 23),
            ("一百二十六", 126),
            ("两", 2),
            ("一千零五", 1005),
            ("三万五千", 35_000),
            ("三万五", 35_000),
            ("一千五", 1500),
            ("两百五", 250),
            ("〇", 0),
            ("零", 0),
            ("十", 10),
            ("十万", 100_000),
            ("一亿三千万", 130_000_000),
            ("三万亿", 3_000_000_000_000),
            ("一万零五", 10_005),
            ("一百零一", 101),
            ("一百一十", 110),
            ("二〇二五", 2025),
            ("二○二五", 2025),
            ("壹佰贰拾叁", 123),
            ("3千", 3000),
        ];
        for (s, v) in cases {
            assert_eq!(chinese_numeral(s), Some(*v), "{s:?}");
        }
        for s in ["", "十余", "数百", "百十百", "三四十", "人", "一2"] {
            assert_eq!(chinese_numeral(s), None, "{s:?}");
        }
    }

    #[test]
    fn find_numbers_chinese() {
        check_find(
            "事故造成二十余人死亡,3人受伤。",
            &[("二十余", q(20, AtLeast, true)), ("3", q(3, Exact, false))],
        );
        check_find("至少12名工人被困", &[("至少12", q(12, AtLeast, false))]);
        check_find("约有三百名村民聚集", &[("约有三百", q(300, About, false))]);
        check_find("上百名工人罢工", &[("上百", q(100, AtLeast, true))]);
        check_find("数千人参与", &[("数千", q(1000, AtLeast, true))]);
        check_find("一名工人死亡", &[("一", q(1, Exact, false))]);
        check_find("两名矿工遇难", &[("两", q(2, Exact, false))]);
        check_find("300人以上参加", &[("300", q(300, AtLeast, false))]);
        check_find("300以上工人", &[("300以上", q(300, AtLeast, false))]);
        check_find("大约500名左右", &[("大约500", q(500, About, false))]);
        check_find("三四十人围堵", &[("三四十", range(30, 40))]);
        check_find("10至15名员工", &[("10至15", range(10, 15))]);
        check_find("１２名", &[("１２", q(12, Exact, false))]);
        check_find("成千上万的市民", &[("成千上万", q(1000, AtLeast, true))]);
        check_find("住在六楼", &[("六", q(6, Exact, false))]);
        check_find("近千名工人", &[("近千", q(1000, About, true))]);
        check_find("逾百人受伤", &[("逾百", q(100, AtLeast, true))]);
        check_find("千人大会", &[("千", q(1000, Exact, false))]);
        check_find("几千人", &[("几千", q(1000, AtLeast, true))]);
        check_find("三五个人", &[]);
        check_find(
            "3死5伤",
            &[("3", q(3, Exact, false)), ("5", q(5, Exact, false))],
        );
        check_find("最近3天", &[("3", q(3, Exact, false))]);
    }

    #[test]
    fn find_numbers_english() {
        check_find(
            "More than 300 workers protested; two were detained.",
            &[
                ("More than 300", q(300, AtLeast, false)),
                ("two", q(2, Exact, false)),
            ],
        );
        check_find(
            "Dozens of villagers and about 1,200 residents",
            &[
                ("Dozens of", q(12, AtLeast, true)),
                ("about 1,200", q(1200, About, false)),
            ],
        );
        check_find(
            "between 40 and 50 people, over a hundred relatives",
            &[
                ("between 40 and 50", range(40, 50)),
                ("over a hundred", q(100, AtLeast, true)),
            ],
        );
        check_find("no one was hurt", &[]);
        check_find("one of the miners", &[("one", q(1, Exact, false))]);
        check_find("the sixth floor", &[]);
        check_find("the twenty-first victim", &[]);
        check_find(
            "tens of thousands of",
            &[("tens of thousands of", q(10_000, AtLeast, true))],
        );
        check_find("2000 workers struck", &[("2000", q(2000, Exact, false))]);
        check_find("In 2000, workers struck", &[]);
        check_find("a 10-day strike", &[]);
        check_find("300-plus students", &[("300-plus", q(300, AtLeast, false))]);
        check_find(
            "a 1,200-strong workforce",
            &[("1,200", q(1200, Exact, false))],
        );
        check_find("a one-on-one talk", &[]);
        check_find(
            "A hundred and fifty workers, a few hundred villagers",
            &[
                ("A hundred and fifty", q(150, Exact, false)),
                ("a few hundred", q(100, AtLeast, true)),
            ],
        );
        check_find(
            "About 200 to 300 workers",
            &[("About 200 to 300", range(200, 300))],
        );
        check_find("from 5 to 10 percent", &[]);
    }

    #[test]
    fn find_numbers_skips_list_markers_and_words() {
        check_find("  1. Long hours\n2、工资拖欠\n(3) 没有合同", &[]);
        check_find(
            "大陆工人陆续返回,队伍里有五十人。",
            &[("五十", q(50, Exact, false))],
        );
        check_find("第一批约20名工人", &[("约20", q(20, About, false))]);
        check_find("born 1980, married in 2005", &[]);
    }

    #[test]
    fn find_numbers_skips_dates_times_codes() {
        for text in [
            "2025年11月17日",
            "十一月十七日",
            "二〇二五年",
            "11月17号晚",
            "2025.11.17",
            "2025/11/17",
            "2025-11-17",
            "7:48",
            "上午7点48分",
            "10点03分",
            "凌晨3时许",
            "at 3 p.m.",
            "at 3pm",
            "November 17",
            "Nov. 17",
            "17 November",
            "November 17, 2025",
            "in 2024",
            "97%",
            "百分之五十",
            "三分之一",
            "5 percent",
            "第三",
            "the 1st",
            "周三",
            "星期五",
            "COVID-19",
            "A320",
            "5G",
            "No. 5",
            "#12",
            "010-12345678",
            "13800138000",
            "adcode 330203",
            "一些工人",
            "十分严重",
            "四川",
            "千万不要",
            "80年代",
            "2.5",
            "3-2",
            "2019-2021",
        ] {
            check_find(text, &[]);
        }
    }

    #[test]
    fn find_numbers_keeps_measures() {
        check_find("5个月大", &[("5", q(5, Exact, false))]);
        check_find("判刑3年", &[("3", q(3, Exact, false))]);
        check_find("持续3小时", &[("3", q(3, Exact, false))]);
    }

    #[test]
    fn units() {
        let t = "二十余人死亡, 300 workers, 5个月, dozens of miners";
        let m = find_numbers(t);
        let units: Vec<&str> = m.iter().map(|m| unit_after(t, m.span.end)).collect();
        assert_eq!(units, ["人", "workers", "个月", "miners"]);
        assert_eq!(unit_after("3", 1), "");
        assert_eq!(unit_after("3", 10), "");
    }

    #[test]
    fn amounts() {
        let cases: &[(&str, &[(&str, i64)])] = &[
            ("涉案金额11亿元", &[("11亿元", 1_100_000_000)]),
            ("涉案金额1.1亿,", &[("1.1亿", 110_000_000)]),
            ("1.1亿人口", &[]),
            (
                "losses of 40.86 billion yuan",
                &[("40.86 billion yuan", 40_860_000_000)],
            ),
            ("数百万元", &[("数百万元", 1_000_000)]),
            ("赔偿3万元", &[("3万元", 30_000)]),
            ("500 million yuan", &[("500 million yuan", 500_000_000)]),
            ("RMB 2 million", &[("RMB 2 million", 2_000_000)]),
            ("RMB2 million", &[("RMB2 million", 2_000_000)]),
            ("¥300,000", &[("¥300,000", 300_000)]),
            ("人民币5000元", &[("人民币5000元", 5_000)]),
            ("欠薪2000多元", &[("2000多元", 2_000)]),
            ("5000美元", &[]),
            ("$5 million", &[]),
            ("US$5 million", &[]),
            ("300名工人", &[]),
        ];
        for (text, want) in cases {
            let got: Vec<(&str, i64)> = find_amounts_cny(text)
                .iter()
                .map(|m| (&text[m.span.clone()], m.quantity.value))
                .collect();
            assert_eq!(got, *want, "{text:?}");
        }
    }

    /// Writes 0..100000 in standard Chinese: 一万零一十, 十五, 一百零五.
    fn to_chinese(n: u32) -> String {
        const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
        if n == 0 {
            return "零".into();
        }
        fn section(x: u32, leading: bool) -> String {
            const U: [(u32, &str); 4] = [(1000, "千"), (100, "百"), (10, "十"), (1, "")];
            let mut s = String::new();
            let mut pending_zero = false;
            let mut started = false;
            for (u, name) in U {
                let d = (x / u) % 10;
                if d == 0 {
                    pending_zero |= started;
                    continue;
                }
                if pending_zero {
                    s.push('零');
                    pending_zero = false;
                }
                if !(u == 10 && d == 1 && leading && !started) {
                    s.push_str(D[d as usize]);
                }
                s.push_str(name);
                started = true;
            }
            s
        }
        let wan = n / 10_000;
        let rest = n % 10_000;
        let mut s = String::new();
        if wan > 0 {
            s.push_str(&section(wan, true));
            s.push('万');
            if rest > 0 && rest < 1000 {
                s.push('零');
            }
        }
        if rest > 0 {
            s.push_str(&section(rest, wan == 0));
        }
        s
    }

    #[test]
    fn chinese_writer_sanity() {
        assert_eq!(to_chinese(10), "十");
        assert_eq!(to_chinese(15), "十五");
        assert_eq!(to_chinese(110), "一百一十");
        assert_eq!(to_chinese(1005), "一千零五");
        assert_eq!(to_chinese(10010), "一万零一十");
        assert_eq!(to_chinese(35000), "三万五千");
        assert_eq!(to_chinese(20304), "二万零三百零四");
    }

    #[test]
    fn chinese_round_trip_exhaustive() {
        for n in 0..100_000u32 {
            assert_eq!(chinese_numeral(&to_chinese(n)), Some(n as i64), "{n}");
        }
    }

    fn with_separators(n: u64) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    proptest! {
        #[test]
        fn parse_number_reads_separated_integers(n in 0u64..1_000_000_000) {
            let s = with_separators(n);
            prop_assert_eq!(parse_number(&s), Some(Quantity::exact(n as i64)));
            prop_assert_eq!(parse_number(&n.to_string()), Some(Quantity::exact(n as i64)));
        }

        #[test]
        fn chinese_numeral_round_trips(n in 0u32..100_000) {
            prop_assert_eq!(chinese_numeral(&to_chinese(n)), Some(n as i64));
        }

        #[test]
        fn finders_are_total_and_well_formed(s in "[0-9０-９a-zA-Z ,.:\\-~%$¥元万亿千百十余多约近数一二三四五六七八九零两年月日号第个名人\u{1F600}\u{0300}]{0,60}") {
            for ms in [find_numbers(&s), find_amounts_cny(&s)] {
                let mut last = 0;
                for m in &ms {
                    prop_assert!(s.is_char_boundary(m.span.start));
                    prop_assert!(s.is_char_boundary(m.span.end));
                    prop_assert!(m.span.start >= last && m.span.start < m.span.end);
                    last = m.span.end;
                }
            }
            let _ = parse_number(&s);
            let _ = chinese_numeral(&s);
        }

        #[test]
        fn finders_survive_any_string(s in any::<String>()) {
            let ms = find_numbers(&s);
            let mut last = 0;
            for m in &ms {
                prop_assert!(s.is_char_boundary(m.span.start) && s.is_char_boundary(m.span.end));
                prop_assert!(m.span.start >= last && m.span.start < m.span.end);
                last = m.span.end;
            }
            let _ = find_amounts_cny(&s);
            let _ = parse_number(&s);
            let _ = chinese_numeral(&s);
            if let Some(m) = ms.first() { let _ = unit_after(&s, m.span.end); }
        }
    }
}
