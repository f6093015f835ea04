"""Per-language word lists: the aspects of an experience, urgency and intent signals,
and stop words for topic discovery. Plain data, so a deployment can read and extend it.

Aspect keywords are matched against words and two-word phrases from
`clearloop.textanalysis.tokenize` (English keywords are lower-case words; a two-word
English keyword is written with one space). Signal patterns are regular expressions,
because intent is carried by phrases ("close my account", 二度と…ない) more than by words.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


ASPECT_LABELS = {
    "delivery": _("Delivery"),
    "wait_time": _("Wait time"),
    "price": _("Price"),
    "billing": _("Billing"),
    "staff": _("Staff"),
    "product_quality": _("Product quality"),
    "food": _("Food"),
    "cleanliness": _("Cleanliness"),
    "app_website": _("App and website"),
    "room": _("Room"),
}

ASPECT_KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "delivery": _words(
            "delivery|deliveries|delivered|deliver|courier|shipping|shipped|shipment|parcel|"
            "package|driver|dispatch|arrived|arrival|tracking|rider"
        ),
        "wait_time": _words(
            "wait|waited|waiting|queue|queued|hold|on hold|minutes|hour|hours|forever|"
            "took ages|ages|slow service"
        ),
        "price": _words(
            "price|prices|priced|pricing|expensive|cheap|cost|costs|overpriced|value|"
            "affordable|pricey|worth"
        ),
        "billing": _words(
            "bill|billed|billing|invoice|charge|charged|charges|refund|refunded|payment|"
            "overcharged|receipt|subscription fee"
        ),
        "staff": _words(
            "staff|employee|employees|waiter|waitress|server|agent|agents|cashier|"
            "receptionist|manager|support team|rude|friendly|helpful|polite|host|crew|team"
        ),
        "product_quality": _words(
            "quality|product|products|broke|broken|defective|faulty|durable|material|fabric|"
            "sturdy|flimsy|scratched|damaged|sofa|lamp|chair|table|item"
        ),
        "food": _words(
            "food|meal|meals|dish|dishes|taste|tasty|delicious|breakfast|lunch|dinner|pizza|"
            "burger|coffee|menu|portion|portions|cold food|flavour|flavor|fries"
        ),
        "cleanliness": _words(
            "clean|cleaned|dirty|filthy|cleanliness|hygiene|smell|smelly|stain|stains|dust|"
            "dusty|spotless|messy"
        ),
        "app_website": _words(
            "app|website|site|login|log in|checkout|online|page|crash|crashes|crashed|bug|"
            "buggy|password|web"
        ),
        "room": _words("room|rooms|bed|beds|bathroom|shower|suite|view"),
    },
    "zh": {
        "delivery": _words("配送|快递|物流|送货|送达|发货|外卖|骑手|送餐|包裹|到货|派送|快递员"),
        "wait_time": _words("等待|等了|排队|等候|等待时间|小时|半天|分钟|太久"),
        "price": _words("价格|价钱|贵|便宜|性价比|价位|收费|划算|太贵"),
        "billing": _words("账单|发票|扣款|退款|付款|支付|扣费|收费|多收"),
        "staff": _words("服务员|员工|客服|店员|态度|服务|前台|经理|师傅|工作人员"),
        "product_quality": _words("质量|品质|做工|产品|材质|坏了|破损|瑕疵|沙发|灯|耐用|商品"),
        "food": _words("菜|饭菜|味道|好吃|难吃|口味|早餐|食物|饭|咖啡|分量|菜品|食材|午餐|晚餐"),
        "cleanliness": _words("干净|卫生|脏|清洁|整洁|异味|味儿|灰尘"),
        "app_website": _words("网站|app|应用|小程序|页面|登录|闪退|网页|系统"),
        "room": _words("房间|床|浴室|卫生间|客房|酒店"),
    },
    "ja": {
        "delivery": _words("配達|配送|発送|宅配|届く|到着|届け|配達員|出前|荷物|梱包"),
        "wait_time": _words("待つ|待ち時間|待ち|待たす|待たされる|行列|時間|分|遅い"),
        "price": _words("価格|値段|料金|高い|安い|コスパ|割高|値段が高い"),
        "billing": _words("請求|請求書|支払い|決済|返金|引き落とし|課金|領収書"),
        "staff": _words("店員|スタッフ|従業員|接客|対応|担当|サポート|オペレーター|フロント"),
        "product_quality": _words("品質|製品|商品|作り|壊れる|不良|傷|素材|ソファ|ランプ|丈夫"),
        "food": _words(
            "料理|味|食事|美味しい|おいしい|まずい|朝食|夕食|ランチ|メニュー|量|食べ物|コーヒー"
        ),
        "cleanliness": _words("清潔|掃除|汚い|きれい|綺麗|衛生|臭い|汚れ|ほこり"),
        "app_website": _words("アプリ|サイト|ウェブ|ホームページ|ログイン|画面|システム"),
        "room": _words("部屋|ベッド|浴室|風呂|客室|ホテル"),
    },
}

# Words that make an otherwise neutral clause negative on a time-bound aspect: "delivery
# took an hour" says nothing a sentiment model scores, yet every reader hears a complaint.
DELAY_CUES: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(an? hour|\d+ (hours|days|weeks)|(two|three|four|five|six) (hours|days|weeks)"
        r"|forever|ages|still (waiting|not)|never (came|arrived|showed)|late|delayed|"
        r"took (so )?long)\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        r"(一个小时|[一二两三四五六七八九十\d]+(个)?(小时|天|周|星期)|太久|迟迟|还没到|延迟|晚了)"
    ),
    "ja": re.compile(r"([一二三四五六七八九十\d]+(時間|日|週間)|遅れ|遅延|まだ届|来ない|届かない)"),
}
DELAY_ASPECTS = frozenset({"delivery", "wait_time"})

# Contrast words split a sentence into segments that may judge different aspects; commas
# split a segment further into clauses ("great food, slow delivery").
CONTRAST: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\s(?:but|however|although|though|yet|whereas|while|except)\s", re.I),
    "zh": re.compile(r"但是|可是|不过|然而|但|却"),
    "ja": re.compile(r"けれども|けれど|けど|のに|しかし|でも|ですが|ましたが|たが"),
}
CLAUSE_BREAKS: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"[,;]|" + CONTRAST["en"].pattern, re.I),
    "zh": re.compile(r"[，,；;]|" + CONTRAST["zh"].pattern),  # noqa: RUF001
    "ja": re.compile(r"[、，,；;]|" + CONTRAST["ja"].pattern),  # noqa: RUF001
}


SIGNAL_LABELS = {
    "churn_intent": _("Churn intent"),
    "anger": _("Anger"),
    "legal_threat": _("Legal threat"),
    "safety_issue": _("Safety issue"),
    "repeat_contact": _("Repeat contact"),
}

SIGNAL_PATTERNS: dict[str, dict[str, re.Pattern[str]]] = {
    "churn_intent": {
        "en": re.compile(
            r"\b(cancel+(ing|ed|ation)?|unsubscribe|close my account|delete my account|"
            r"switch(ing)? to|never (order|buy|shop|come|coming|use|using)\w* "
            r"(here |from you )?again|"
            r"take my business elsewhere|last time i (order|buy|shop)|leaving you|"
            r"not renew(ing)?|won't be back|will not be back|done with you)\b",
            re.IGNORECASE,
        ),
        "zh": re.compile(
            r"(退订|取消订阅|取消会员|注销|销户|退会|再也不(买|来|用)|不会再(买|来|用)|换一家|不续费|退掉会员)"
        ),
        "ja": re.compile(
            r"(解約|退会|解除したい|二度と(使|買|行|利用)|もう(使わ|買わ|利用しない)|乗り換え|やめます)"
        ),
    },
    "anger": {
        "en": re.compile(
            r"(\b(furious|outraged|livid|disgusting|disgraceful|ridiculous|unacceptable|"
            r"appalling|pathetic|scam|scammers|worst|fed up|sick of|shocking|joke)\b|!{2,}|"
            r"(?-i:\b[A-Z]{3,}\b\W+\b[A-Z]{2,}\b))",
            re.IGNORECASE,
        ),
        "zh": re.compile(
            r"(气死|愤怒|太过分|垃圾|恶心|骗子|无语|忍无可忍|岂有此理|坑人|[!！]{2,})"  # noqa: RUF001
        ),
        "ja": re.compile(
            r"(腹が立|激怒|ふざけ|最低|詐欺|ありえない|あり得ない|許せない|ひどすぎ|[!！]{2,})"  # noqa: RUF001
        ),
    },
    "legal_threat": {
        "en": re.compile(
            r"\b(lawyers?|attorneys?|solicitors?|sue|suing|lawsuit|legal action|small claims|"
            r"trading standards|ombudsman|consumer protection|court|chargeback)\b",
            re.IGNORECASE,
        ),
        "zh": re.compile(r"(律师|起诉|告你们|消协|12315|法院|维权|投诉到|工商局|法律途径)"),
        "ja": re.compile(r"(弁護士|訴え|訴訟|消費者センター|法的措置|裁判|国民生活センター)"),
    },
    "safety_issue": {
        "en": re.compile(
            r"\b(caught fire|on fire|fire hazard|burn(ed|t|s)?|smok(e|ing)|injur(ed|y|ies)|"
            r"electric shock|shocked me|sparks?|choking|allergic reaction|food poisoning|"
            r"unsafe|dangerous|hazard|hurt (my|me|him|her)|cut (my|me))\b",
            re.IGNORECASE,
        ),
        "zh": re.compile(r"(着火|起火|冒烟|烫伤|烧伤|受伤|触电|漏电|食物中毒|过敏|危险|安全隐患)"),
        "ja": re.compile(
            r"(発火|火傷|やけど|煙|怪我|けが|感電|漏電|食中毒|アレルギー|危険|危ない)"
        ),
    },
    "repeat_contact": {
        "en": re.compile(
            r"\b((second|third|fourth|fifth|\d+(st|nd|rd|th)) time|again and again|"
            r"(called|emailed|contacted|written|messaged|chased)\w* (you )?(twice|three times|"
            r"several times|multiple times|again|repeatedly)|already (told|contacted|called|"
            r"emailed|reported)|keep (calling|emailing|chasing)|still (no|not|waiting|haven't))\b",
            re.IGNORECASE,
        ),
        "zh": re.compile(
            r"(第[二三四五六七八九十\d]+次|又一次|再次联系|多次|一直没|还是没|已经联系|反复|好几次)"
        ),
        "ja": re.compile(r"(何度も|再度|[二三四五\d]回目|何回も|再三|まだ(連絡|返事|返信)|以前も)"),
    },
}

STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """a about above after again against all also am an and any are aren't as at be
        because been before being below between both but by can can't could couldn't did
        didn't do does doesn't doing don't down during each even ever every few for from
        further get got had hadn't has hasn't have haven't having he her here hers herself
        him himself his how i i'm i've i'd if in into is isn't it it's its itself just let
        like me more most much my myself no nor not now of off on once one only or other
        our ours ourselves out over own really same she should shouldn't so some still such
        than that that's the their theirs them themselves then there these they they're
        this those through to too under until up us very was wasn't we we're were weren't
        what when where which while who whom why will with won't would wouldn't you you're
        your yours yourself yourselves im ive dont didnt cant wont thanks thank please
        good great bad ok okay well lot lots thing things way time make made go went come
        came say said know think want need 1 2 3 4 5 6 7 8 9 0 will would everything
        nothing anything something back exactly knew mostly regards best away always never
        sure soon already hi hello dear kind us order ordered""".split()  # noqa: SIM905
    ),
    "zh": frozenset(
        """的 了 是 我 你 他 她 它 们 我们 你们 他们 在 和 就 都 也 很 太 还 又 不 没 没有 有 这
        那 这个 那个 一 一个 个 吧 吗 呢 啊 呀 哦 嗯 得 地 着 过 会 能 要 想 说 去 来 到 把 被
        让 给 对 跟 与 及 而 但 但是 可是 不过 因为 所以 如果 真的 真是 非常 比较 特别 已经 再
        就是 还是 觉得 感觉 一下 一点 东西 时候 现在 今天 这次 每次 什么 怎么 为什么 可以
        自己 这样 那样 好 不错 差 一直 到现在 还 没 一次 这家 店 而且 有点 你好 您好 谢谢""".split()  # noqa: SIM905
    ),
    "ja": frozenset(
        """する いる ある なる れる られる せる できる くる 来る 思う 言う いう ない よう
        こと もの ため それ これ あれ どれ そう とても ちょっと 少し また もう まだ 本当
        すごい 私 僕 自分 さん 今回 今日 時 感じ 良い よい いい 悪い 方 的 中 ほど くらい
        ください 下さい やる みる 行く おる""".split()  # noqa: SIM905
    ),
}


def language_key(language: str) -> str:
    """The lexicon a language code reads: zh-hans → zh; anything unknown → en."""
    base = language.split("-")[0].lower()
    return base if base in ASPECT_KEYWORDS else "en"
