//! The words of the synthetic reports: templates for each kind of event in Chinese and
//! English, invented organisations with their pinyin, and background paragraphs that bring
//! a report to the size of a real one (about 3 KB) without telling another event.

use crate::{date_zh, published, County, Kind, Report};
use chrono::{Datelike, NaiveDate};
use pinyin::ToPinyin;
use rand::rngs::ChaCha8Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::RngExt;

/// Which report of an event is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Telling {
    /// The first report, with the early toll.
    First,
    /// The same event in the other language, a few days on.
    OtherLanguage,
    /// A later report in the first report's language with the revised toll.
    Revised,
    /// The same bytes posted again.
    Repost,
}

/// Characters of invented firm names: common in real ones, each with one reading.
const NAME_CHARS: &[&str] = &[
    "鑫", "源", "坤", "泰", "华", "盛", "恒", "昌", "隆", "达", "丰", "瑞", "祥", "宏", "永", "福",
    "金", "安", "宝", "利", "通", "汇", "荣", "德", "兴", "旺", "润", "嘉", "康", "顺", "鼎", "凯",
    "锦", "晋", "峰", "川", "林", "海", "星", "辉",
];

/// A kind of workplace: Chinese suffix, English suffix, sector words.
struct Workplace {
    zh: &'static str,
    en: &'static str,
    zh_workers: &'static str,
    en_workers: &'static str,
}

const MINES: &[Workplace] = &[
    Workplace {
        zh: "煤矿",
        en: "Coal Mine",
        zh_workers: "矿工",
        en_workers: "miners",
    },
    Workplace {
        zh: "煤业有限公司",
        en: "Coal Industry Co.",
        zh_workers: "矿工",
        en_workers: "miners",
    },
];
const FACTORIES: &[Workplace] = &[
    Workplace {
        zh: "电子厂",
        en: "Electronics Factory",
        zh_workers: "工人",
        en_workers: "workers",
    },
    Workplace {
        zh: "鞋业有限公司",
        en: "Shoes Co.",
        zh_workers: "工人",
        en_workers: "workers",
    },
    Workplace {
        zh: "化工有限公司",
        en: "Chemical Co.",
        zh_workers: "工人",
        en_workers: "workers",
    },
    Workplace {
        zh: "建筑工程有限公司",
        en: "Construction Co.",
        zh_workers: "建筑工人",
        en_workers: "construction workers",
    },
];

/// How an accident happened: Chinese, English noun phrase.
const MECHANISMS: &[(&str, &str)] = &[
    ("瓦斯爆炸", "gas explosion"),
    ("冒顶", "roof collapse"),
    ("透水", "flooding"),
    ("火灾", "fire"),
    ("坍塌", "collapse"),
];

/// An event with everything its reports say about it.
pub(crate) struct Event {
    pub kind: Kind,
    pub date: NaiveDate,
    pub county: County,
    org_zh: String,
    org_en: String,
    workers_zh: &'static str,
    workers_en: &'static str,
    mechanism: (&'static str, &'static str),
    pub dead_first: i64,
    pub dead_final: i64,
    injured: i64,
    participants: i64,
    official: (String, String),
    first_lang: &'static str,
}

impl Event {
    pub fn new(rng: &mut ChaCha8Rng, kind: Kind, date: NaiveDate, county: County) -> Self {
        let a = *NAME_CHARS.choose(rng).expect("names");
        let b = *NAME_CHARS.choose(rng).expect("names");
        let place = if kind == Kind::Accident && rng.random_bool(0.7) {
            MINES.choose(rng)
        } else {
            FACTORIES.choose(rng)
        }
        .expect("workplaces");
        let stem = format!("{a}{b}");
        let dead_first = rng.random_range(1..12);
        let dead_final = if rng.random_bool(0.3) {
            dead_first + rng.random_range(1..20)
        } else {
            dead_first
        };
        let surname = *["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]
            .choose(rng)
            .expect("surnames");
        let given = *NAME_CHARS.choose(rng).expect("names");
        Event {
            kind,
            date,
            org_zh: format!("{stem}{}", place.zh),
            org_en: format!("{} {}", capitalised_pinyin(&stem), place.en),
            workers_zh: place.zh_workers,
            workers_en: place.en_workers,
            county,
            mechanism: *MECHANISMS.choose(rng).expect("mechanisms"),
            dead_first,
            dead_final,
            injured: rng.random_range(0..9),
            participants: rng.random_range(3..60) * 10,
            official: (
                format!("{surname}{given}"),
                capitalised_pinyin(&format!("{surname}{given}")),
            ),
            first_lang: if rng.random_bool(0.6) { "zh" } else { "en" },
        }
    }

    /// One report of this event.
    pub fn write(&self, rng: &mut ChaCha8Rng, telling: Telling, key: &str, n: usize) -> Report {
        let lang = match (telling, self.first_lang) {
            (Telling::OtherLanguage, "zh") => "en",
            (Telling::OtherLanguage, _) => "zh",
            (_, l) => l,
        };
        let days_after = match telling {
            Telling::First | Telling::Repost => rng.random_range(0..2),
            Telling::OtherLanguage => rng.random_range(2..4),
            Telling::Revised => rng.random_range(4..7),
        };
        let pub_date = published(self.date, days_after);
        let (title, lead) = if lang == "zh" {
            self.zh(telling)
        } else {
            self.en(telling)
        };
        let mut text = lead;
        let pool = if lang == "zh" {
            ZH_BACKGROUND
        } else {
            EN_BACKGROUND
        };
        let target = if lang == "zh" { 2800 } else { 3000 };
        let mut order: Vec<usize> = (0..pool.len()).collect();
        order.shuffle(rng);
        // A long report comes back to the same themes: go round the pool again.
        for i in order.clone().into_iter().chain(order) {
            if text.len() >= target {
                break;
            }
            text.push_str("\n\n");
            text.push_str(&fill(pool[i], self, lang));
        }
        let (source, host) = if lang == "zh" {
            *[
                ("工人观察", "gongren.example"),
                ("矿山安全网", "kuangan.example"),
                ("地方新闻频道", "difang.example"),
            ]
            .choose(rng)
            .expect("sources")
        } else {
            *[
                ("Labour Watch Asia", "labourwatch.example"),
                ("China Workplace Monitor", "cwm.example"),
                ("Mining Safety Wire", "msw.example"),
            ]
            .choose(rng)
            .expect("sources")
        };
        let id = format!("{key}-{n}-{lang}");
        Report {
            url: format!("https://{host}/{}/{id}", pub_date.format("%Y/%m/%d")),
            id,
            published: pub_date,
            source,
            lang,
            title,
            text,
        }
    }

    fn zh(&self, telling: Telling) -> (String, String) {
        let c = &self.county;
        let place = format!("{}{}{}", c.province, c.prefecture, c.name);
        let day = date_zh(self.date);
        match self.kind {
            Kind::Accident => {
                let (mech, _) = self.mechanism;
                if telling == Telling::Revised {
                    return (
                        format!("{}“{}·{}”{}事故遇难人数升至{}人", c.name, self.date.month(), self.date.day(), mech, self.dead_final),
                        format!(
                            "记者从{}应急管理局获悉，{}发生的{}{}事故遇难人数已升至{}人。{}{}“{}·{}”事故善后工作正在进行。",
                            c.prefecture, day, place, mech, self.dead_final, c.name, self.org_zh, self.date.month(), self.date.day()
                        ),
                    );
                }
                let dead = if telling == Telling::OtherLanguage { self.dead_final } else { self.dead_first };
                let injured = if self.injured > 0 { format!("、{}人受伤", self.injured) } else { String::new() };
                (
                    format!("{}{}发生{}事故 {}人遇难", c.name, self.org_zh, mech, dead),
                    format!(
                        "{day}，{place}{}发生{mech}事故，造成{dead}名{}死亡{injured}。事故发生后，当地立即组织救援力量赶赴现场处置，伤者已被送往医院救治。\n\n目前，事故原因正在调查之中，涉事企业已被责令停产。",
                        self.org_zh, self.workers_zh
                    ),
                )
            }
            Kind::Strike => (
                format!("{}{}工人停工讨薪", c.name, self.org_zh),
                format!(
                    "{day}，{place}{}约{}名{}因企业长期拖欠工资集体停工，在厂区门口聚集讨要欠薪。工人们表示，已有数月没有拿到工资。\n\n当地人社部门工作人员随后到场了解情况。",
                    self.org_zh, self.participants, self.workers_zh
                ),
            ),
            Kind::Protest => (
                format!("{}村民聚集抗议{}排污", c.name, self.org_zh),
                format!(
                    "{day}，{place}数百名村民聚集在{}门前，拉起横幅抗议该企业排放污水、污染农田和河道，要求停产并赔偿损失。\n\n有村民称，附近河水已经发黑发臭。",
                    self.org_zh
                ),
            ),
            Kind::Corruption => (
                format!("{}原副县长{}涉嫌受贿被查", c.name, self.official.0),
                format!(
                    "据{}纪委监委消息，{day}，{place}原副县长{}涉嫌严重违纪违法，收受他人财物，为{}在项目审批中谋取利益，涉嫌受贿，目前正接受纪律审查和监察调查。",
                    c.province, self.official.0, self.org_zh
                ),
            ),
        }
    }

    fn en(&self, telling: Telling) -> (String, String) {
        let c = &self.county;
        let place = format!(
            "{}, {}, {} province",
            c.name_en, c.prefecture_en, c.province_en
        );
        let day = format!("{}", self.date.format("%B %-d, %Y"));
        match self.kind {
            Kind::Accident => {
                let (_, mech) = self.mechanism;
                let dead = if telling == Telling::First { self.dead_first } else { self.dead_final };
                let lead = if telling == Telling::Revised {
                    format!(
                        "The death toll from the {mech} at {} in {place} on {day} has risen to {dead}, the {} emergency management bureau said.",
                        self.org_en, c.prefecture_en
                    )
                } else {
                    let injured = if self.injured > 0 {
                        format!(" and {} injured", self.injured)
                    } else {
                        String::new()
                    };
                    format!(
                        "{dead} {} were killed{injured} in a {mech} at {} in {place} on {day}, local authorities said. Rescue teams were sent to the site and the injured were taken to hospital.\n\nThe cause is under investigation and the company has been ordered to halt production.",
                        self.workers_en, self.org_en
                    )
                };
                (format!("{dead} killed in {mech} at {} in {}", self.org_en, c.province_en), lead)
            }
            Kind::Strike => (
                format!("Workers strike over unpaid wages at {}", self.org_en),
                format!(
                    "About {} {} at {} in {place} went on strike on {day} over months of unpaid wages, gathering at the factory gate to demand their pay.\n\nOfficials from the local labour bureau came to the site to talk to the workers.",
                    self.participants, self.workers_en, self.org_en
                ),
            ),
            Kind::Protest => (
                format!("Villagers protest pollution from {}", self.org_en),
                format!(
                    "Hundreds of villagers in {place} protested on {day} outside {}, hanging banners and accusing the plant of discharging waste water into their fields and river, and demanding that it stop production and pay compensation.",
                    self.org_en
                ),
            ),
            Kind::Corruption => (
                format!("Former deputy county head {} investigated for bribery", self.official.1),
                format!(
                    "{}, a former deputy head of {place}, was placed under investigation on {day} on suspicion of taking bribes from {} in exchange for help with project approvals, the provincial discipline inspection commission said.",
                    self.official.1, self.org_en
                ),
            ),
        }
    }
}

/// Background paragraphs: the setting of a place and the trade, with no event, date or figure.
const ZH_BACKGROUND: &[&str] = &[
    "{county}位于{prefecture}境内，山地丘陵较多，交通条件近年来有所改善，外出务工人员比例较高。",
    "当地经济长期依赖资源开采和加工制造，不少家庭的收入来自附近的企业，就业渠道相对单一。",
    "多位受访的居民表示，希望有关部门公开信息，让家属和公众及时了解真实情况。",
    "业内人士指出，中小企业普遍存在用工不规范、劳动合同签订率低、社会保险缴纳不足等问题。",
    "有劳工权益人士认为，基层工会作用有限，工人在遇到问题时往往缺少有效的表达渠道。",
    "当地一位出租车司机说，这一带的企业大多规模不大，工人流动性很强，很多人来自周边县乡。",
    "记者在现场看到，企业大门紧闭，门口有保安值守，附近的小卖部和饭馆仍在照常营业。",
    "据介绍，该企业成立多年，主要产品销往省内外，曾获得过地方政府的表彰和扶持。",
    "一些网友在社交媒体上发帖关注此事，但相关帖子随后无法查看。",
    "分析人士认为，信息公开不及时、不完整，是同类事件中公众质疑的主要来源。",
    "当地政府网站的新闻栏目显示，{prefecture}近来多次召开会议部署经济和民生工作。",
    "附近居民说，企业所在的园区白天车辆进出频繁，夜间也常有运输车辆经过。",
    "研究劳工问题的学者表示，单靠事后问责难以根本改变现状，更需要日常的监督和工人的参与。",
    "本网将继续关注事件进展，也欢迎知情者提供线索。",
    "{county}的主要产业包括农业种植、建材和小型加工业，近年来也在发展乡村旅游。",
    "家属们希望企业和政府给出明确说法，并妥善处理后续的赔偿和安置问题。",
    "不少工人表示，工作强度大、休息时间少，但为了养家只能坚持，对权益保障的期待一直没有改变。",
    "有法律界人士提醒，劳动者应当保留考勤记录、工资条和聊天记录等证据，以便日后依法维护自身权益。",
    "当地媒体对此事的报道较少，部分细节仍有待进一步核实，各方说法也不尽一致。",
    "在附近经营小饭馆的一位店主说，平时来吃饭的多是附近企业的职工，大家对这件事议论纷纷。",
    "有观察人士指出，类似问题在周边地区并不少见，根源在于监管力量不足和企业追求短期利益。",
    "一名不愿透露姓名的知情人说，企业内部此前就有人反映过相关问题，但没有得到重视。",
];

const EN_BACKGROUND: &[&str] = &[
    "{county} lies in the hills of {prefecture}, where mining and small-scale manufacturing have long been the main sources of work and many residents commute to jobs in nearby towns.",
    "Residents interviewed by local media said they wanted the authorities to release information promptly so that families and the public could learn what had really happened.",
    "Labour researchers say small and medium-sized enterprises in the region often employ workers without written contracts and underpay social insurance contributions.",
    "Rights advocates note that enterprise trade unions rarely represent workers effectively, leaving them few channels to raise complaints before problems escalate.",
    "A taxi driver in the county seat said most firms in the area are small, that workers move often between jobs, and that many come from surrounding villages.",
    "Reporters who visited the area found the company gate shut and guarded, while shops and restaurants nearby were open as usual.",
    "The company has operated in the area for years, selling its products across the province and beyond, and has in the past been praised by local officials.",
    "Posts about the case circulated on Chinese social media before several of them became unavailable.",
    "Analysts say that slow and incomplete disclosure is the main reason the public doubts official accounts of cases like this one.",
    "The government website of {prefecture} has recently carried reports of meetings on the local economy and on living standards.",
    "People living nearby said lorries go in and out of the industrial park all day and often late into the night.",
    "Scholars of labour relations argue that punishment after the fact changes little, and that daily oversight with workers' participation matters more.",
    "Families said they wanted a clear explanation from the company and the government and a fair settlement of compensation.",
    "The economy of {county} rests on farming, building materials and light processing, and the county has lately tried to promote rural tourism.",
    "This outlet will keep following the story and welcomes information from readers who know more.",
    "Local people described the area as quiet, with an ageing population as younger residents leave for jobs in the coastal provinces.",
];

/// A background paragraph with the event's place put in.
fn fill(template: &str, e: &Event, lang: &str) -> String {
    let c = &e.county;
    if lang == "zh" {
        template
            .replace("{county}", &c.name)
            .replace("{prefecture}", &c.prefecture)
    } else {
        template
            .replace("{county}", &c.name_en)
            .replace("{prefecture}", &c.prefecture_en)
    }
}

/// "Xinyuan" for 鑫源.
fn capitalised_pinyin(s: &str) -> String {
    let joined: String = s
        .to_pinyin()
        .map(|p| p.map(|p| p.plain()).unwrap_or_default())
        .collect();
    let mut chars = joined.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => joined,
    }
}

impl Event {
    /// The incident as the store would hold it once every telling is resolved: both
    /// titles, the organisation in both languages, the county, the facets, the final
    /// figures, and the lead paragraph of each telling as its source's quote. For the
    /// listing and search benchmark, which needs incidents without the pipeline.
    pub fn incident(&self, id: String, both_languages: bool) -> recount_model::Incident {
        use recount_model::{
            Claim, Figure, FigureKind, Incident, IncidentType, Organization, PartialDate, Place,
            PlaceLevel, Qualifier, SourceRef, Speaker,
        };
        use std::collections::BTreeMap;
        let (title_zh, lead_zh) = self.zh(Telling::OtherLanguage);
        let (title_en, lead_en) = self.en(Telling::OtherLanguage);
        let mut leads = vec![("zh", lead_zh)];
        if both_languages {
            leads.push(("en", lead_en));
        }
        if self.first_lang == "en" {
            leads.reverse();
        }
        let sources: Vec<SourceRef> = leads
            .iter()
            .map(|(lang, lead)| SourceRef {
                doc: format!("{id}-{lang}"),
                url: None,
                published: Some(self.date.to_string()),
                lang: Some(lang.to_string()),
                sha256: None,
                quote: Some(lead.split("\n\n").next().unwrap_or(lead).to_string()),
            })
            .collect();
        let (kind, figure) = match self.kind {
            Kind::Accident => (
                IncidentType::Accident,
                Some((FigureKind::Dead, self.dead_final)),
            ),
            Kind::Strike => (
                IncidentType::Strike,
                Some((FigureKind::Participants, self.participants)),
            ),
            Kind::Protest => (IncidentType::Protest, None),
            Kind::Corruption => (IncidentType::Corruption, None),
        };
        let mut figures = BTreeMap::new();
        if let Some((fk, value)) = figure {
            figures.insert(
                fk,
                Figure {
                    best: Some(value),
                    low: Some(value),
                    high: Some(value),
                    superseded: None,
                    claims: vec![Claim {
                        value,
                        qualifier: Qualifier::Exact,
                        value_max: None,
                        source: sources[0].doc.clone(),
                        attributed_to: Some(Speaker::Official),
                        as_of: Some(PartialDate::from_naive(self.date)),
                        quote: sources[0].quote.clone(),
                    }],
                },
            );
        }
        let sector = if self.org_zh.contains('煤') {
            "coal_mining"
        } else if self.org_zh.contains("化工") {
            "chemicals"
        } else if self.org_zh.contains("建筑") {
            "construction"
        } else {
            "manufacturing"
        };
        let mechanism = (self.kind == Kind::Accident).then_some(match self.mechanism.0 {
            "瓦斯爆炸" => "explosion",
            "透水" => "flood",
            "火灾" => "fire",
            _ => "collapse",
        });
        let grievance = match self.kind {
            Kind::Strike => Some("wage_arrears"),
            Kind::Protest => Some("environment"),
            _ => None,
        };
        Incident {
            id,
            kind,
            sector: Some(sector.into()),
            mechanism: mechanism.map(Into::into),
            grievance: grievance.map(Into::into),
            date: Some(PartialDate::from_naive(self.date)),
            date_end: None,
            location: Some(Place {
                country: "CN".into(),
                adcode: Some(self.county.adcode.clone()),
                level: PlaceLevel::County,
                name: Some(self.county.name.clone()),
                name_en: Some(self.county.name_en.clone()),
                detail: None,
                lat: None,
                lon: None,
            }),
            organizations: vec![Organization {
                name: self.org_zh.clone(),
                name_en: Some(self.org_en.clone()),
                role: Some("operator".into()),
            }],
            figures,
            flags: vec![],
            sources,
            related: vec![],
            title: title_en,
            title_zh: Some(title_zh),
            updated_at: Some("2026-01-01T00:00:00Z".into()),
        }
    }
}
