//! Organisations: mines, companies, hospitals, government bodies, with a key that is
//! the same for the Chinese and the English name (坤源煤矿 and Kunyuan Coal Mine both
//! give `kunyuan|mine`), so reports in two languages can be tied.

use pinyin::ToPinyin;
use recount_model::Organization;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// An organisation found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub org: Organization,
    pub span: Range<usize>,
    /// Matching key: pinyin or English stem and category, lower case.
    pub key: Option<String>,
}

/// Chinese name endings and their category and role.
const ZH_SUFFIXES: &[(&str, &str, &str)] = &[
    ("有限责任公司", "company", "employer"),
    ("股份有限公司", "company", "employer"),
    ("有限公司", "company", "employer"),
    ("集团", "group", "parent"),
    ("公司", "company", "employer"),
    ("煤矿", "mine", "operator"),
    ("煤业", "mine", "operator"),
    ("矿业", "mine", "operator"),
    ("铁矿", "mine", "operator"),
    ("金矿", "mine", "operator"),
    ("医院", "hospital", "hospital"),
    ("鞋业", "company", "employer"),
    ("电器", "company", "employer"),
    ("工厂", "factory", "employer"),
    ("化工厂", "factory", "employer"),
];

/// Characters that end a Chinese name when walking left from its suffix.
/// Determiners (一煤矿 "a coal mine", 某公司 "a company", 该矿 "the mine") end a name too.
const ZH_STOPS: &str =
    ",，。、；;：:的在于和与是为将被向从到对了及或“”「」《》()（）【】 \n\t0123456789一某该这此其";

/// Words that precede a name but are not part of it: roles (承建方 "the contractor",
/// 矿方 "the mine's side") and "from" (来自).
const ZH_BOUNDARIES: &[&str] = &[
    "来自",
    "承建方",
    "施工方",
    "建设方",
    "开发商",
    "厂方",
    "矿方",
    "资方",
    "院方",
    "校方",
    "甲方",
    "乙方",
    "旗下",
    "下属",
    "隶属",
    // Motion towards a place: 送往医院 "taken to hospital" names no hospital.
    "送往",
    "送至",
    "送到",
    "送进",
    "转往",
    "转至",
    "赶往",
    "前往",
    "住进",
];

/// Place endings: a name walk stops after a full administrative name (…县大河煤矿 → 大河煤矿).
const ADMIN_ENDS: &[char] = &['省', '市', '县', '区', '旗', '盟', '州', '镇', '乡', '村'];

static EN_ORG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)((?:[A-Z][\w'’&-]*\s+){1,5}?)(Coal Mining Co\.,? Ltd\.|Coal Mining Co\.|Mining Co\.,? Ltd\.|Mining Co\.|Shoes Co\.,? Ltd\.|Co\.,? Ltd\.|Co\.|(?:Coal Mining(?: Company| Group)?|Coal Mine|Mining Company|Mining Group|Mine|Group|Company|Corporation|Corp|Hospital|Factory|Electric|Investment|Shoes)(?-u:\b))")
        .expect("English organisation pattern")
});

/// Leading words that are not part of an English name.
const EN_DROP: &[&str] = &[
    "The",
    "A",
    "An",
    "At",
    "In",
    "On",
    "Of",
    "By",
    "From",
    "Hong",
    "Kong-Funded",
    "State-Owned",
    "Chinese",
    "Local",
];

fn category(suffix: &str) -> &'static str {
    let s = suffix.to_lowercase();
    if s.contains("mine") || s.contains("mining") {
        "mine"
    } else if s.contains("hospital") {
        "hospital"
    } else if s.contains("factory") {
        "factory"
    } else if s.contains("group") {
        "group"
    } else {
        "company"
    }
}

fn pinyin_of(s: &str) -> String {
    s.to_pinyin()
        .map(|p| p.map_or(String::new(), |p| p.plain().to_string()))
        .collect::<Vec<_>>()
        .join("")
}

/// Organisations named in `text`, in order of appearance.
pub fn find(text: &str) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    for (suffix, cat, role) in ZH_SUFFIXES {
        let mut from = 0;
        while let Some(pos) = text[from..].find(suffix) {
            let at = from + pos;
            from = at + suffix.len();
            if out.iter().any(|f| f.span.start <= at && at < f.span.end) {
                continue;
            }
            let mut start = at;
            let mut taken = 0;
            for (i, c) in text[..at].char_indices().rev() {
                if ZH_STOPS.contains(c) || !crate::segment::is_cjk(c) || taken >= 10 {
                    break;
                }
                let through = &text[..i + c.len_utf8()];
                if ZH_BOUNDARIES.iter().any(|w| through.ends_with(w)) {
                    break;
                }
                if ADMIN_ENDS.contains(&c) && taken >= 2 {
                    break;
                }
                start = i;
                taken += 1;
            }
            if taken < 2 {
                continue;
            }
            let stem = &text[start..at];
            let name = &text[start..from];
            out.push(Found {
                org: Organization {
                    name: name.to_string(),
                    name_en: None,
                    role: Some(role.to_string()),
                },
                span: start..from,
                key: Some(format!("{}|{}", pinyin_of(stem), cat)),
            });
        }
    }
    for m in EN_ORG.captures_iter(text) {
        let (Some(whole), Some(stem_m), Some(suffix)) = (m.get(0), m.get(1), m.get(2)) else {
            continue;
        };
        let words: Vec<&str> = stem_m.as_str().split_whitespace().collect();
        let keep: Vec<&str> = words
            .iter()
            .skip_while(|w| EN_DROP.contains(w))
            .copied()
            .collect();
        if keep.is_empty() {
            continue;
        }
        let dropped: usize = words.len() - keep.len();
        let offset = stem_m
            .as_str()
            .split_whitespace()
            .take(dropped)
            .map(|w| w.len())
            .sum::<usize>();
        let start = stem_m.start() + stem_m.as_str()[..].find(keep[0]).unwrap_or(offset);
        let name = text[start..whole.end()]
            .trim_end_matches([',', ' '])
            .to_string();
        let stem: String = keep.join("").to_lowercase().replace(['\'', '’', '-'], "");
        let role = match category(suffix.as_str()) {
            "mine" => "operator",
            "hospital" => "hospital",
            "group" => "parent",
            _ => "employer",
        };
        out.push(Found {
            org: Organization {
                name: name.clone(),
                name_en: Some(name),
                role: Some(role.to_string()),
            },
            span: start..whole.end(),
            key: Some(format!("{stem}|{}", category(suffix.as_str()))),
        });
    }
    // The hospital that treated the victims is no party to the event: "已送毕节市第一人民医院
    // 救治", "taken to Hengda Hospital". A hospital a text accuses or protests stays.
    out.retain(|f| !(f.org.role.as_deref() == Some("hospital") && treated_at(text, &f.span)));
    out.sort_by_key(|f| f.span.start);
    out
}

/// Words before a hospital's name that take someone there, and after it that say they
/// were treated there.
fn treated_at(text: &str, span: &std::ops::Range<usize>) -> bool {
    const TO: &[&str] = &[
        "送往",
        "送至",
        "送到",
        "送进",
        "送",
        "转往",
        "转至",
        "转到",
        "转入",
        "住进",
        "抬到",
        "taken to",
        "rushed to",
        "sent to",
        "admitted to",
        "transferred to",
    ];
    const TREATED: &[&str] = &[
        "救治",
        "抢救",
        "治疗",
        "就诊",
        "住院",
        "接受治疗",
        "医治",
        "for treatment",
        " for treatment",
        ", where",
    ];
    let before = text[..span.start].trim_end_matches([' ', '的']);
    let after = &text[span.end..];
    TO.iter().any(|w| before.to_lowercase().ends_with(w))
        || TREATED
            .iter()
            .any(|w| after.trim_start().starts_with(w.trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_names_share_a_key() {
        let zh = find("山西省晋中市榆次区坤源煤矿工人罢工。");
        let en = find("Workers at the Kunyuan Coal Mine in Yuci struck.");
        assert_eq!(zh[0].org.name, "坤源煤矿");
        assert_eq!(en[0].org.name, "Kunyuan Coal Mine");
        assert_eq!(zh[0].key, en[0].key);
        assert_eq!(zh[0].key.as_deref(), Some("kunyuan|mine"));
    }

    #[test]
    fn company_names_keep_a_bare_place_prefix() {
        let f = find("工人称,山西建投公司长期拖欠工资");
        assert_eq!(f[0].org.name, "山西建投公司");
    }

    #[test]
    fn roles_and_from_are_not_part_of_a_name() {
        let f = find("来自几内亚某铁矿项目的消息显示,该项目承建方中兴建工公司拖欠工资");
        let names: Vec<_> = f.iter().map(|f| f.org.name.as_str()).collect();
        assert_eq!(names, vec!["中兴建工公司"]);
    }

    #[test]
    fn being_taken_to_hospital_names_no_hospital() {
        for text in [
            "伤者已被送往医院救治。",
            "两名工人被紧急送至医院抢救。",
            "家属赶往医院。",
        ] {
            assert!(find(text).is_empty(), "{text}: {:?}", find(text));
        }
        // Nor does a named hospital that only treated the victims.
        assert!(find("伤者被送往县人民医院救治").is_empty());
        assert!(find("4人受伤,已送毕节市第一人民医院救治").is_empty());
        assert!(find("The injured were taken to Hengda Hospital.").is_empty());
        // A hospital that is a party stays.
        let f = find("母亲实名控诉宁波市妇女儿童医院心脏科主任");
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn english_suffixes() {
        let f = find("a worker at Dongfang Shoes Co., Ltd. and the Hengda Hospital");
        let names: Vec<_> = f.iter().map(|f| f.org.name.as_str()).collect();
        assert_eq!(names, vec!["Dongfang Shoes Co., Ltd.", "Hengda Hospital"]);
    }
}
