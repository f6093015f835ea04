"""The fixed cast of the demo world: the company, its people and teams, its markets,
catalog and surveys.

Pure data. The generator draws from it with a seeded random generator; nothing here is
random or touches the database.
"""

# Chinese and Japanese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass

from clearloop.accounts.roles import Role

ORGANIZATION_NAME = "Lumen Home & Living"
# The regional head office is in Singapore; a non-UTC zone also keeps day boundaries honest.
ORGANIZATION_TIME_ZONE = "Asia/Singapore"
EMAIL_DOMAIN = "demo.clearloop.test"
LANGUAGES = ("en", "zh-hans", "ja")


# --- People --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    local_part: str
    full_name: str
    role: str
    language: str = ""
    time_zone: str = ""
    # Agents only: how their contacts tend to go (added to satisfaction and FCR), and the
    # name customers know them by.
    skill: float = 0.0
    short_name: str = ""

    @property
    def email(self) -> str:
        return f"{self.local_part}@{EMAIL_DOMAIN}"

    def named_in(self, language: str) -> str:
        """How a customer writing in `language` refers to this agent in a comment."""
        return {"zh-hans": f"客服{self.short_name}", "ja": f"担当の{self.short_name}さん"}.get(
            language, self.short_name
        )


PEOPLE: tuple[Person, ...] = (
    Person("owner", "Olivia Bennett", Role.OWNER, "en", "America/New_York"),
    Person("admin", "Arjun Mehta", Role.ADMIN, "", "Asia/Singapore"),
    Person("manager", "Hannah Fischer", Role.MANAGER, "en", "Europe/Berlin"),
    Person("analyst", "陈静", Role.ANALYST, "zh-hans", "Asia/Shanghai"),
    Person("viewer", "山本 浩二", Role.VIEWER, "ja", "Asia/Tokyo"),
    Person("agent.johnson", "Emma Johnson", Role.AGENT, "en", "America/Chicago", 0.35, "Emma"),
    Person("agent.reed", "Marcus Reed", Role.AGENT, "en", "America/Chicago", -0.3, "Marcus"),
    Person("agent.martinez", "Sofía Martínez", Role.AGENT, "en", "Europe/Madrid", 0.15, "Sofía"),
    Person("agent.okafor", "Daniel Okafor", Role.AGENT, "", "Europe/Dublin", 0.0, "Daniel"),
    Person("agent.li", "李娜", Role.AGENT, "zh-hans", "Asia/Shanghai", 0.25, "李娜"),
    Person("agent.wang", "王浩", Role.AGENT, "zh-hans", "Asia/Shanghai", -0.15, "王浩"),
    Person("agent.sato", "佐藤 美咲", Role.AGENT, "ja", "Asia/Tokyo", 0.3, "佐藤"),
    Person("agent.tanaka", "田中 健太", Role.AGENT, "ja", "Asia/Tokyo", 0.0, "田中"),
)
OWNER = PEOPLE[0]
AGENTS = {person.local_part: person for person in PEOPLE if person.role == Role.AGENT}

# How a customer refers to an agent whose name they did not catch.
UNNAMED_AGENT = {"en": "the person I spoke to", "zh-hans": "客服", "ja": "担当の方"}


@dataclass(frozen=True, slots=True)
class TeamSpec:
    name: str
    description: str
    members: tuple[str, ...]


TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec(
        "Phone support",
        "Inbound calls from North America and Europe.",
        ("agent.johnson", "agent.reed", "agent.okafor"),
    ),
    TeamSpec(
        "Chat & email",
        "Web chat and the support mailbox, North America and Europe.",
        ("agent.martinez", "agent.okafor", "agent.johnson"),
    ),
    TeamSpec(
        "Social care",
        "Replies on Instagram, X, Facebook, Weibo and Xiaohongshu.",
        ("agent.martinez", "agent.reed", "agent.wang"),
    ),
    TeamSpec(
        "APAC desk",
        "Chinese- and Japanese-speaking customers on every channel.",
        ("agent.li", "agent.wang", "agent.sato", "agent.tanaka"),
    ),
)

# Who answers which contact: (region group, team) -> agents.
AGENT_POOLS: dict[tuple[str, str], tuple[str, ...]] = {
    ("west", "Phone support"): ("agent.johnson", "agent.reed", "agent.okafor"),
    ("west", "Chat & email"): ("agent.martinez", "agent.okafor", "agent.johnson"),
    ("west", "Social care"): ("agent.martinez", "agent.reed"),
    ("zh-hans", "APAC desk"): ("agent.li", "agent.wang"),
    ("ja", "APAC desk"): ("agent.sato", "agent.tanaka"),
}


def desk(language: str) -> str:
    """Which desk serves a customer: "west" (in English) or the APAC desk's language."""
    return language if language in ("zh-hans", "ja") else "west"


# --- Markets -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    region: str
    language: str
    currency: str
    calling_code: str
    cities: tuple[tuple[str, str], ...]  # (city, IANA time zone)
    weight: float


COUNTRIES: tuple[Country, ...] = (
    Country(
        "US",
        "North America",
        "en",
        "USD",
        "1",
        (
            ("New York", "America/New_York"),
            ("Boston", "America/New_York"),
            ("Chicago", "America/Chicago"),
            ("Austin", "America/Chicago"),
            ("Denver", "America/Denver"),
            ("Seattle", "America/Los_Angeles"),
            ("Los Angeles", "America/Los_Angeles"),
        ),
        0.29,
    ),
    Country(
        "CA",
        "North America",
        "en",
        "CAD",
        "1",
        (
            ("Toronto", "America/Toronto"),
            ("Montreal", "America/Toronto"),
            ("Vancouver", "America/Vancouver"),
        ),
        0.07,
    ),
    Country(
        "DE",
        "Europe",
        "en",
        "EUR",
        "49",
        (("Berlin", "Europe/Berlin"), ("Munich", "Europe/Berlin"), ("Hamburg", "Europe/Berlin")),
        0.08,
    ),
    Country(
        "FR",
        "Europe",
        "en",
        "EUR",
        "33",
        (("Paris", "Europe/Paris"), ("Lyon", "Europe/Paris")),
        0.05,
    ),
    Country(
        "NL",
        "Europe",
        "en",
        "EUR",
        "31",
        (("Amsterdam", "Europe/Amsterdam"), ("Utrecht", "Europe/Amsterdam")),
        0.04,
    ),
    Country(
        "ES",
        "Europe",
        "en",
        "EUR",
        "34",
        (("Madrid", "Europe/Madrid"), ("Barcelona", "Europe/Madrid")),
        0.03,
    ),
    Country(
        "IT", "Europe", "en", "EUR", "39", (("Milan", "Europe/Rome"), ("Rome", "Europe/Rome")), 0.03
    ),
    Country(
        "IE",
        "Europe",
        "en",
        "EUR",
        "353",
        (("Dublin", "Europe/Dublin"), ("Cork", "Europe/Dublin")),
        0.03,
    ),
    Country(
        "CN",
        "Greater China",
        "zh-hans",
        "CNY",
        "86",
        (
            ("Shanghai", "Asia/Shanghai"),
            ("Beijing", "Asia/Shanghai"),
            ("Shenzhen", "Asia/Shanghai"),
            ("Guangzhou", "Asia/Shanghai"),
            ("Hangzhou", "Asia/Shanghai"),
            ("Chengdu", "Asia/Shanghai"),
        ),
        0.17,
    ),
    Country(
        "HK", "Greater China", "zh-hans", "HKD", "852", (("Hong Kong", "Asia/Hong_Kong"),), 0.02
    ),
    Country("TW", "Greater China", "zh-hans", "TWD", "886", (("Taipei", "Asia/Taipei"),), 0.01),
    Country(
        "JP",
        "Japan",
        "ja",
        "JPY",
        "81",
        (
            ("Tokyo", "Asia/Tokyo"),
            ("Osaka", "Asia/Tokyo"),
            ("Yokohama", "Asia/Tokyo"),
            ("Nagoya", "Asia/Tokyo"),
            ("Fukuoka", "Asia/Tokyo"),
            ("Sapporo", "Asia/Tokyo"),
        ),
        0.18,
    ),
)

# Units of each currency per US dollar, rounded; enough for believable local prices.
USD_RATES = {
    "USD": 1.0,
    "CAD": 1.37,
    "EUR": 0.93,
    "CNY": 7.25,
    "HKD": 7.8,
    "TWD": 32.5,
    "JPY": 152.0,
}

SEGMENTS = (("Consumer", 0.68), ("Small business", 0.12), ("Trade", 0.12), ("VIP", 0.08))
SEGMENT_MOOD = {"Consumer": 0.0, "Small business": 0.05, "Trade": -0.15, "VIP": 0.3}
SEGMENT_DISCOUNT = {"Consumer": 0.0, "Small business": 0.05, "Trade": 0.15, "VIP": 0.1}
ACQUISITION_CHANNELS = ("search", "social", "referral", "marketplace", "showroom", "newsletter")

# Customer email addresses use the reserved example domains (RFC 2606) so no demo
# invitation can ever reach a real inbox.
CUSTOMER_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


# --- Names ---------------------------------------------------------------------------

NamePairs = tuple[tuple[str, str], ...]  # (as written, in Latin letters)

ENGLISH_GIVEN: tuple[str, ...] = (
    "James",
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Ethan",
    "Sophia",
    "Mason",
    "Isabella",
    "Lucas",
    "Mia",
    "Logan",
    "Charlotte",
    "Benjamin",
    "Amelia",
    "Jacob",
    "Harper",
    "Michael",
    "Evelyn",
    "Daniel",
    "Abigail",
    "Henry",
    "Emily",
    "Jackson",
    "Ella",
    "Samuel",
    "Grace",
    "Owen",
    "Chloe",
    "Ryan",
    "Zoe",
    "Nathan",
    "Hannah",
    "Priya",
    "Diego",
    "Aaliyah",
    "Mateo",
)
ENGLISH_FAMILY: tuple[str, ...] = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Jackson",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Patel",
    "Nguyen",
    "Kim",
    "Tremblay",
    "Roy",
    "Gagnon",
)
EUROPEAN_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "DE": (
        ("Lukas", "Anna", "Jonas", "Lea", "Felix", "Sophie", "Leon", "Marie", "Paul", "Lena"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann"),
    ),
    "FR": (
        ("Camille", "Louis", "Chloé", "Hugo", "Léa", "Gabriel", "Manon", "Jules", "Inès"),
        ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Lefèvre", "Girard", "Roux"),
    ),
    "NL": (
        ("Daan", "Sanne", "Lotte", "Bram", "Sem", "Fleur", "Thijs", "Noor", "Jesse"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit"),
    ),
    "ES": (
        ("Lucía", "Pablo", "Carmen", "Javier", "Martina", "Alejandro", "Elena", "Hugo"),
        ("García", "Fernández", "López", "Martín", "Sánchez", "Romero", "Navarro"),
    ),
    "IT": (
        ("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo", "Sara", "Alessandro"),
        ("Rossi", "Russo", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco"),
    ),
    "IE": (
        ("Aoife", "Conor", "Siobhán", "Cian", "Niamh", "Seán", "Ciara", "Darragh"),
        ("Murphy", "Kelly", "O'Brien", "Byrne", "Ryan", "Walsh", "O'Connor", "Doyle"),
    ),
}
# (characters, pinyin) pairs.
CHINESE_FAMILY: NamePairs = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("林", "lin"),
    ("高", "gao"),
    ("罗", "luo"),
)
CHINESE_GIVEN: NamePairs = (
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("洋", "yang"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("子涵", "zihan"),
    ("梓萱", "zixuan"),
    ("浩然", "haoran"),
    ("欣怡", "xinyi"),
    ("宇轩", "yuxuan"),
    ("思远", "siyuan"),
    ("雨桐", "yutong"),
    ("建国", "jianguo"),
    ("晓燕", "xiaoyan"),
)
# (kanji, romaji) pairs.
JAPANESE_FAMILY: NamePairs = (
    ("佐藤", "sato"),
    ("鈴木", "suzuki"),
    ("高橋", "takahashi"),
    ("田中", "tanaka"),
    ("伊藤", "ito"),
    ("渡辺", "watanabe"),
    ("山本", "yamamoto"),
    ("中村", "nakamura"),
    ("小林", "kobayashi"),
    ("加藤", "kato"),
    ("吉田", "yoshida"),
    ("山田", "yamada"),
    ("佐々木", "sasaki"),
    ("松本", "matsumoto"),
    ("井上", "inoue"),
    ("木村", "kimura"),
    ("林", "hayashi"),
    ("清水", "shimizu"),
)
JAPANESE_GIVEN: NamePairs = (
    ("翔太", "shota"),
    ("陽菜", "hina"),
    ("大輝", "daiki"),
    ("美咲", "misaki"),
    ("健太", "kenta"),
    ("結衣", "yui"),
    ("拓海", "takumi"),
    ("さくら", "sakura"),
    ("蓮", "ren"),
    ("葵", "aoi"),
    ("悠斗", "yuto"),
    ("花子", "hanako"),
    ("誠", "makoto"),
    ("恵", "megumi"),
    ("直樹", "naoki"),
    ("由美", "yumi"),
    ("彩", "aya"),
    ("翼", "tsubasa"),
)


# --- Catalog -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    usd: float
    bulky: bool  # ships by freight carrier, with a delivery slot; late more often
    nouns: dict[str, str]  # what customers call it, by language

    def noun(self, language: str) -> str:
        return self.nouns[language]


PRODUCTS: tuple[Product, ...] = (
    Product(
        "Aster 3-seat sofa, linen", 1299, True, {"en": "sofa", "zh-hans": "沙发", "ja": "ソファ"}
    ),
    Product(
        "Harbor oak dining table",
        899,
        True,
        {"en": "dining table", "zh-hans": "餐桌", "ja": "ダイニングテーブル"},
    ),
    Product(
        "Nordic dining chairs, set of 2",
        249,
        False,
        {"en": "dining chairs", "zh-hans": "餐椅", "ja": "ダイニングチェア"},
    ),
    Product(
        "Cloudrest memory foam mattress, queen",
        799,
        True,
        {"en": "mattress", "zh-hans": "床垫", "ja": "マットレス"},
    ),
    Product(
        "Walnut storage bed frame",
        649,
        True,
        {"en": "bed frame", "zh-hans": "床架", "ja": "ベッドフレーム"},
    ),
    Product("Haven wool rug 160×230", 349, False, {"en": "rug", "zh-hans": "地毯", "ja": "ラグ"}),
    Product(
        "Brass arc floor lamp",
        189,
        False,
        {"en": "floor lamp", "zh-hans": "落地灯", "ja": "フロアランプ"},
    ),
    Product(
        "Washed linen duvet cover set",
        149,
        False,
        {"en": "duvet cover", "zh-hans": "被套", "ja": "布団カバー"},
    ),
    Product(
        "Stoneware dinnerware set, 16 pieces",
        129,
        False,
        {"en": "dinnerware set", "zh-hans": "餐具套装", "ja": "食器セット"},
    ),
    Product(
        "Enamelled cast-iron casserole, 26 cm",
        179,
        False,
        {"en": "casserole", "zh-hans": "铸铁锅", "ja": "ホーロー鍋"},
    ),
    Product(
        "Turkish cotton towel set", 59, False, {"en": "towels", "zh-hans": "毛巾", "ja": "タオル"}
    ),
    Product(
        "Blackout curtains, pair",
        79,
        False,
        {"en": "curtains", "zh-hans": "窗帘", "ja": "カーテン"},
    ),
    Product(
        "Ergonomic office chair",
        429,
        False,
        {"en": "office chair", "zh-hans": "办公椅", "ja": "オフィスチェア"},
    ),
    Product("Walnut bookshelf", 399, True, {"en": "bookshelf", "zh-hans": "书架", "ja": "本棚"}),
    Product(
        "Cashmere-blend throw", 119, False, {"en": "throw", "zh-hans": "盖毯", "ja": "ブランケット"}
    ),
    Product(
        "Teak outdoor lounge set",
        1499,
        True,
        {"en": "outdoor set", "zh-hans": "户外桌椅", "ja": "ガーデンファニチャー"},
    ),
    Product(
        "Soy candle trio", 34, False, {"en": "candles", "zh-hans": "香薰蜡烛", "ja": "キャンドル"}
    ),
    Product(
        "Down-alternative pillows, pair",
        69,
        False,
        {"en": "pillows", "zh-hans": "枕头", "ja": "枕"},
    ),
)


# --- Surveys -------------------------------------------------------------------------

Texts = dict[str, str]


def _t(en: str, zh: str, ja: str) -> Texts:
    return {"en": en, "zh-hans": zh, "ja": ja}


def _labels(low: Texts, high: Texts) -> dict[str, dict[str, Texts]]:
    return {"labels": {"low": low, "high": high}}


def _item(key: str, texts: Texts) -> dict[str, object]:
    return {"key": key, "texts": texts}


COMMENT_REASON = _t(
    "What is the main reason for your rating?",
    "请告诉我们您给出这个评分的主要原因。",
    "評価の主な理由を教えてください。",
)

CSAT_QUESTION = _t(
    "How satisfied are you with the support you received?",
    "您对本次获得的客服支持满意吗？",
    "今回のサポートにどの程度満足されましたか？",
)
CSAT_LABELS = _labels(
    _t("Very dissatisfied", "非常不满意", "非常に不満"),
    _t("Very satisfied", "非常满意", "非常に満足"),
)
CES_QUESTION = _t(
    "How much do you agree: “Lumen made it easy to handle my issue.”",
    "您在多大程度上同意：“Lumen 让我的问题处理起来很轻松。”",
    "「Lumenのおかげで問題を簡単に解決できた」にどの程度同意されますか？",
)
CES_LABELS = _labels(
    _t("Strongly disagree", "非常不同意", "まったくそう思わない"),
    _t("Strongly agree", "非常同意", "とてもそう思う"),
)

NPS_QUESTION = _t(
    "How likely are you to recommend Lumen Home & Living to a friend or colleague?",
    "您有多大可能向朋友或同事推荐 Lumen Home & Living？",
    "Lumen Home & Livingを友人や同僚にすすめる可能性はどのくらいありますか？",
)
NPS_LABELS = _labels(
    _t("Not at all likely", "完全不可能", "まったく可能性がない"),
    _t("Extremely likely", "极有可能", "非常に可能性が高い"),
)
ATTRIBUTES_QUESTION = _t(
    "How would you rate us on each of the following?",
    "请为我们的以下各方面打分。",
    "以下の各項目について評価してください。",
)
ATTRIBUTE_ROWS: tuple[tuple[str, Texts], ...] = (
    ("product_quality", _t("Product quality", "产品质量", "商品の品質")),
    ("delivery", _t("Delivery", "配送", "配送")),
    ("price", _t("Price and value", "价格与性价比", "価格・コストパフォーマンス")),
    ("staff", _t("Helpfulness of our staff", "员工的服务", "スタッフの対応")),
    ("website_app", _t("Website and app", "网站和应用", "ウェブサイト・アプリ")),
)
ATTRIBUTE_SCALE = {
    "min": 1,
    "max": 5,
    "labels": {"low": _t("Poor", "很差", "悪い"), "high": _t("Excellent", "非常好", "とても良い")},
}
NPS_COMMENT = _t(
    "What is the main reason for your score?",
    "您给出这个分数的主要原因是什么？",
    "そのスコアをつけた一番の理由は何ですか？",
)
CONTACT_QUESTION = _t(
    "May we contact you about your answers?",
    "我们可以就您的回答与您联系吗？",
    "ご回答内容について、こちらからご連絡してもよろしいですか？",
)

DELIVERY_QUESTION = _t(
    "How satisfied are you with the delivery of your order?",
    "您对这次订单的配送满意吗？",
    "ご注文の配送にどの程度満足されましたか？",
)
ON_TIME_QUESTION = _t(
    "Did your order arrive when promised?",
    "您的订单是否按承诺的时间送达？",
    "ご注文の商品はお約束の日に届きましたか？",
)
ON_TIME_CHOICES = (
    _item("on_time", _t("Yes, on time", "是的，准时送达", "はい、予定どおり届きました")),
    _item("late", _t("No, it was late", "没有，晚到了", "いいえ、遅れました")),
    _item("partial", _t("Only part of it arrived", "只送到了一部分", "一部のみ届きました")),
)
IMPROVE_QUESTION = _t(
    "What could we do better? (choose any)",
    "我们可以在哪些方面做得更好？（可多选）",
    "改善してほしい点を選んでください（複数選択可）。",
)
IMPROVE_CHOICES = (
    _item("speed", _t("Faster delivery", "更快的配送", "配送スピード")),
    _item("tracking", _t("Better tracking updates", "更及时的物流信息", "配送状況のお知らせ")),
    _item("packaging", _t("Packaging", "包装", "梱包")),
    _item("courier", _t("The courier's conduct", "快递员的服务", "配達員の対応")),
    _item("scheduling", _t("Choosing a delivery slot", "预约送货时间", "配達日時の指定")),
    _item("assembly", _t("Assembly service", "安装服务", "組み立てサービス")),
)
DELIVERY_COMMENT = _t(
    "Anything else you would like to tell us about your delivery?",
    "关于这次配送，您还有什么想告诉我们的吗？",
    "配送について、その他ご意見があればお聞かせください。",
)

SHOWROOM_QUESTION = _t(
    "How satisfied are you with your visit to our showroom?",
    "您对这次到店体验满意吗？",
    "ショールームでのご体験にどの程度満足されましたか？",
)
