//! The dashboard's words in English and Chinese. The language comes from `?lang=`, else
//! the browser's Accept-Language.

use axum::http::HeaderMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn pick(param: Option<&str>, headers: &HeaderMap) -> Lang {
        match param.map(str::trim) {
            Some(p) if p.starts_with("zh") => return Lang::Zh,
            Some(p) if p.starts_with("en") => return Lang::En,
            _ => {}
        }
        let accept = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if accept.trim_start().to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The word for `key`; the key itself when there is none (a wire value shown as is).
    pub fn t(self, key: &str) -> String {
        WORDS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, en, zh)| match self {
                Lang::En => *en,
                Lang::Zh => *zh,
            })
            .unwrap_or(key)
            .to_string()
    }
}

/// key, English, Chinese.
const WORDS: &[(&str, &str, &str)] = &[
    ("app", "recount", "recount 事件记录"),
    ("incidents", "Incidents", "事件"),
    ("filters", "Filters", "筛选"),
    ("type", "Type", "类型"),
    ("any", "any", "全部"),
    ("place", "Place", "地点"),
    ("from", "From", "起始日期"),
    ("to", "To", "截止日期"),
    ("min_dead", "Minimum deaths", "最少死亡人数"),
    ("text", "Text", "文字"),
    ("apply", "Apply", "筛选"),
    ("clear", "Clear", "清除"),
    ("download", "Download this view", "下载当前结果"),
    ("map", "Map", "地图"),
    ("map_hint", "Provinces shaded by the number of incidents in this view; click one to filter.", "各省颜色深浅表示当前结果中的事件数；点击省份即可筛选。"),
    ("timeline", "Timeline", "时间线"),
    ("recurring", "Recurring", "反复出现"),
    ("recurring_hint", "Organisations with two incidents or more in this view, the most recent and frequent first (see recount risk and /api/risk).", "当前结果中出现两次及以上事件的机构，按近期与频次排序（详见 recount risk 与 /api/risk）。"),
    ("organization", "Organisation", "机构"),
    ("months", "Months", "月数"),
    ("last", "Latest", "最近"),
    ("per_month", "per month by type", "按月、按类型"),
    ("count", "incidents", "事件数"),
    ("deaths", "deaths", "死亡人数"),
    ("date", "Date", "日期"),
    ("title", "Title", "标题"),
    ("dead", "Dead", "死亡"),
    ("injured", "Injured", "受伤"),
    ("missing", "Missing", "失踪"),
    ("trapped", "Trapped", "被困"),
    ("arrested", "Arrested", "被捕"),
    ("participants", "Participants", "参与人数"),
    ("amount_cny", "Amount (CNY)", "金额（元）"),
    ("flags", "Flags", "标记"),
    ("next", "Next page", "下一页"),
    ("first", "First page", "第一页"),
    ("none", "No incidents match.", "没有符合条件的事件。"),
    ("shown", "shown", "条已显示"),
    ("matching", "matching", "条符合条件"),
    ("facts", "Facts", "基本信息"),
    ("sector", "Sector", "行业"),
    ("mechanism", "Mechanism", "事故类别"),
    ("grievance", "Grievance", "诉求"),
    ("organizations", "Organisations", "相关单位"),
    ("claims", "Claims", "各方说法"),
    ("value", "Value", "数值"),
    ("qualifier", "Qualifier", "限定"),
    ("speaker", "Speaker", "说法来源"),
    ("as_of", "As of", "截至"),
    ("source", "Source", "来源"),
    ("quote", "Quote", "原文"),
    ("best", "best", "最佳"),
    ("low", "low", "最低"),
    ("high", "high", "最高"),
    ("figure_history", "The figure over time", "数字随时间的变化"),
    ("related", "Related incidents", "相关事件"),
    ("sources", "Sources", "来源文件"),
    ("archived", "archived original", "存档原文"),
    ("archived_text", "archived text", "存档文本"),
    ("history", "Review history", "审核记录"),
    ("no_history", "No review actions yet.", "尚无审核记录。"),
    ("who", "Who", "操作人"),
    ("when", "When", "时间"),
    ("action", "Action", "操作"),
    ("reason", "Reason", "理由"),
    ("detail", "Detail", "详情"),
    ("edit", "Edit", "修改"),
    ("merge", "Merge", "合并"),
    ("split", "Split", "拆分"),
    ("field", "Field", "字段"),
    ("merge_with", "Merge with incident id", "与此事件合并（填写编号）"),
    ("duplicates", "Likely duplicates", "疑似重复事件"),
    ("superseded", "no longer stands: accounted for by", "已不成立：已计入"),
    ("duplicates_hint", "Pairs of incidents that almost merged, with the evidence for and against. Merging one is recorded in both histories.", "几乎被合并的事件对，附支持与反对的依据。合并会记入两者的审核记录。"),
    ("no_duplicates", "No pair of incidents scores this high.", "没有达到此分数的事件对。"),
    ("score", "Score", "分数"),
    ("evidence_for", "For", "支持"),
    ("evidence_against", "Against", "反对"),
    ("min_score", "Lowest score", "最低分数"),
    ("show", "Show", "显示"),
    ("passage", "Passage", "段落"),
    ("save", "Save", "保存"),
    ("reason_required", "A reason is required; it is recorded in the history.", "必须填写理由，理由会记入审核记录。"),
    ("login", "Log in", "登录"),
    ("logout", "Log out", "退出"),
    ("token", "API token", "API 令牌"),
    ("logged_in_as", "Logged in as", "当前用户"),
    ("editors_only", "Editing needs an editor token: log in with one.", "修改需要编辑权限的令牌，请先登录。"),
    ("back", "All incidents", "全部事件"),
    ("proofs", "Inclusion proofs", "收录证明"),
    ("api", "API (OpenAPI)", "接口（OpenAPI）"),
    ("unknown_place", "unknown place", "地点不详"),
    ("undated", "undated", "日期不详"),
    ("error", "Error", "错误"),
    ("text_of_source", "Archived text", "存档文本"),
    ("published", "Published", "发布日期"),
    ("accident", "accident", "事故"),
    ("strike", "strike", "罢工"),
    ("protest", "protest", "抗议"),
    ("corruption", "corruption", "腐败"),
    ("enforcement", "enforcement", "执法"),
    ("crime", "crime", "刑事"),
    ("other", "other", "其他"),
    ("exact", "exactly", "确切"),
    ("at_least", "at least", "至少"),
    ("more_than", "more than", "超过"),
    ("about", "about", "约"),
    ("at_most", "at most", "至多"),
    ("range", "range", "范围"),
    ("official", "official", "官方"),
    ("media", "media", "媒体"),
    ("witness", "witness", "目击者"),
    ("family", "family", "家属"),
    ("insider", "insider", "知情人"),
    ("unknown", "unknown", "不明"),
    ("led_to", "led to", "引发"),
    ("response_to", "in response to", "起因于"),
    ("flag_figure_conflict", "Figure conflict: sources still disagree on a figure after the toll settled.", "数字冲突：伤亡数字确定后，各来源仍说法不一。"),
    ("flag_underreporting_suspected", "Under-reporting suspected: an official figure is below an independent one, or a text says a figure was concealed.", "疑似瞒报：官方数字低于独立来源，或有文字指出数字被隐瞒。"),
    ("flag_date_uncertain", "Date uncertain: the date was inferred (no year in the text, or relative to an unknown day).", "日期不确定：日期系推断得出（原文无年份或为相对日期）。"),
    ("flag_place_uncertain", "Place uncertain: the place name could denote more than one place.", "地点不确定：地名可能指向多个地方。"),
    ("flag_single_source", "Single source: only one document reports this incident.", "单一来源：仅有一份文件报道此事件。"),
    ("flag_reviewed", "Reviewed: a reviewer corrected this record; see the history.", "已审核：审核人员修改过此记录，见审核记录。"),
    ("flag_other", "Other: see the sources.", "其他：见来源文件。"),
];
