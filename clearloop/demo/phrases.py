"""What the demo's customers and agents write, in English, Simplified Chinese and Japanese.

Comments are composed from clauses about one aspect each (product, delivery, price, staff,
website, wait, resolution, packaging, assembly) with a polarity, so a comment says what the
respondent's scores say: "the sofa is lovely, but delivery took 19 days" / "沙发很好看，
但是配送太慢了，等了19天" / "ソファは素敵でしたが、配送に19日もかかりました".

Clause conventions, so that any two can be joined:
- en: lower-case start (unless a name), no final punctuation;
- zh-hans: no final punctuation;
- ja: polite form (…です/…ました/…ません), no final punctuation.
"""

# Chinese and Japanese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

POSITIVE, NEGATIVE = "+", "-"
Bank = dict[str, dict[str, tuple[str, ...]]]  # aspect -> polarity -> clauses

EN: Bank = {
    "product": {
        POSITIVE: (
            "the {product} is even nicer in person than in the photos",
            "the {product} feels solid and really well made",
            "we're really happy with the quality of the {product}",
            "the {product} is beautifully finished and the whole family loves it",
            "the quality of the {product} is excellent",
            "the {product} looks great in our new flat",
        ),
        NEGATIVE: (
            "the {product} arrived with a deep scratch on the side",
            "the {product} looks a lot cheaper than it did online",
            "the {product} started to wobble after a couple of weeks",
            "the colour of the {product} is nothing like the pictures",
            "one of the parts for the {product} was missing",
            "the {product} already shows wear after a month",
        ),
    },
    "delivery": {
        POSITIVE: (
            "delivery was quick and the driver was very careful",
            "it arrived two days earlier than promised",
            "the delivery team carried it upstairs and unpacked everything",
            "tracking was accurate right up to the doorstep",
            "delivery came on time and booking a slot was easy",
        ),
        NEGATIVE: (
            "delivery took {days} days",
            "the delivery date was moved twice without any notice",
            "tracking said delivered but nothing ever arrived",
            "I waited at home all day and the courier never showed up",
            "the tracking page didn't update for a week",
            "it took {days} days to arrive, far longer than promised",
        ),
    },
    "price": {
        POSITIVE: (
            "prices are fair for this level of quality",
            "it was good value, especially in the sale",
            "it's great value compared with other stores",
        ),
        NEGATIVE: (
            "it's quite expensive for what you get",
            "the shipping costs are far too high",
            "the price dropped a week after I bought it",
            "prices have gone up a lot this year",
        ),
    },
    "staff": {
        POSITIVE: (
            "{agent} was patient and sorted everything out",
            "{agent} was friendly and knew the products really well",
            "{agent} called me back exactly when promised",
            "customer service was polite and genuinely helpful",
        ),
        NEGATIVE: (
            "{agent} didn't seem to have read my earlier emails",
            "I had to explain my problem three times to different people",
            "customer service felt scripted and unhelpful",
            "{agent} promised a call back that never came",
        ),
    },
    "website": {
        POSITIVE: (
            "the website is easy to use and checkout was quick",
            "the app makes it really easy to track orders",
            "the room planner on the website is really handy",
        ),
        NEGATIVE: (
            "the app kept logging me out at checkout",
            "the website is slow and the filters don't work properly",
            "I couldn't find the assembly instructions anywhere on the site",
            "the app crashed twice while I was paying",
        ),
    },
    "wait": {
        POSITIVE: (
            "I got through to someone within a minute",
            "the chat answered almost immediately",
            "they replied to my email the same day",
        ),
        NEGATIVE: (
            "I was on hold for {minutes} minutes",
            "it took {hours} hours to get a reply",
            "the queue was very long",
            "waiting so long just to speak to someone was frustrating",
        ),
    },
    "resolution": {
        POSITIVE: (
            "my problem was solved on the first call",
            "they sent a replacement right away, no questions asked",
            "the refund came through within a few days",
            "everything was fixed in one conversation",
        ),
        NEGATIVE: (
            "my issue still isn't resolved",
            "I'm still waiting for my refund",
            "I've had to contact you three times about the same problem",
            "my ticket was closed without anything being fixed",
        ),
    },
    "packaging": {
        POSITIVE: (
            "everything was packed very carefully",
            "the packaging was sturdy and mostly recyclable",
        ),
        NEGATIVE: (
            "the box was crushed when it arrived",
            "there was far too much plastic in the packaging",
            "the packaging was torn and one corner was damaged",
        ),
    },
    "assembly": {
        POSITIVE: (
            "assembly was simple and the instructions were clear",
            "the fitters had it assembled in twenty minutes",
        ),
        NEGATIVE: (
            "the assembly instructions were confusing",
            "some screws were missing so I couldn't finish assembling it",
        ),
    },
}

ZH: Bank = {
    "product": {
        POSITIVE: (
            "{product}质量很好，做工很扎实",
            "{product}实物比图片还好看",
            "{product}用料很足，摸起来很舒服",
            "{product}做工很精细，家里人都很喜欢",
            "这个{product}的质量超出了预期",
            "{product}放在新家里特别好看",
        ),
        NEGATIVE: (
            "{product}收到的时候侧面有一道很深的划痕",
            "{product}的颜色和图片差别很大",
            "{product}用了不到一个月就开始晃了",
            "{product}少了一个配件",
            "{product}有股很重的味道，散了好几天都没散掉",
            "{product}的做工比较粗糙",
        ),
    },
    "delivery": {
        POSITIVE: (
            "物流很快，两天就到了",
            "送货师傅很细心，还帮忙搬上了楼",
            "配送很准时，预约送货也很方便",
            "物流信息更新得很及时",
        ),
        NEGATIVE: (
            "配送太慢了，等了{days}天",
            "送货时间改了两次，也没人通知我",
            "物流显示已签收，但我根本没收到",
            "在家等了一整天，送货的人也没来",
            "物流信息一个星期都没有更新",
        ),
    },
    "price": {
        POSITIVE: (
            "价格很实惠",
            "趁活动买的，性价比很高",
            "和别家比起来，价格很公道",
        ),
        NEGATIVE: (
            "价格偏贵",
            "运费太高了",
            "刚买一周就降价了，有点郁闷",
            "今年涨价涨得有点多",
        ),
    },
    "staff": {
        POSITIVE: (
            "{agent}很耐心，帮我把问题都解决了",
            "{agent}态度很好，对产品也很了解",
            "{agent}按约定的时间给我回了电话，很靠谱",
            "客服态度很好，回复很专业",
        ),
        NEGATIVE: (
            "{agent}好像根本没看我之前发的邮件",
            "同一个问题要跟不同的客服重复讲好几遍",
            "客服回复很敷衍，像在念模板",
            "{agent}说好会回电话，结果一直没人联系我",
        ),
    },
    "website": {
        POSITIVE: (
            "小程序下单很方便",
            "网站很好用，结账也很快",
            "在App里查物流很方便",
        ),
        NEGATIVE: (
            "App结账的时候总是闪退",
            "网站加载很慢，筛选功能也不好用",
            "官网上找不到安装说明",
            "付款的时候App崩了两次",
        ),
    },
    "wait": {
        POSITIVE: (
            "电话很快就接通了",
            "在线客服几乎是秒回",
            "邮件当天就回复了",
        ),
        NEGATIVE: (
            "电话排队等了{minutes}分钟",
            "等了{hours}个小时才有人回复",
            "排队的人太多了",
            "等了半天才有人理我",
        ),
    },
    "resolution": {
        POSITIVE: (
            "问题一次就解决了",
            "很快就给我补发了新的",
            "退款几天就到账了",
            "一通电话就全部处理好了",
        ),
        NEGATIVE: (
            "问题到现在还没解决",
            "退款到现在还没到账",
            "同一个问题联系了三次还没处理好",
            "工单被直接关闭了，问题根本没解决",
        ),
    },
    "packaging": {
        POSITIVE: (
            "包装很严实，一点磕碰都没有",
            "包装很结实，而且很环保",
        ),
        NEGATIVE: (
            "外箱都压坏了",
            "包装用了太多塑料",
            "包装破了，一个角被磕坏了",
        ),
    },
    "assembly": {
        POSITIVE: (
            "安装很简单，说明书也很清楚",
            "安装师傅二十分钟就装好了",
        ),
        NEGATIVE: (
            "安装说明书看不懂",
            "少了几颗螺丝，没法装完",
        ),
    },
}

JA: Bank = {
    "product": {
        POSITIVE: (
            "{product}は写真よりも実物のほうが素敵でした",
            "{product}はしっかりした作りで満足しています",
            "{product}の品質がとても良いです",
            "{product}は仕上げが丁寧で、家族も気に入っています",
            "{product}の質感が想像以上に良かったです",
        ),
        NEGATIVE: (
            "{product}の側面に深い傷がありました",
            "{product}の色が写真とかなり違いました",
            "{product}が一か月も経たないうちにぐらつき始めました",
            "{product}の部品が一つ足りませんでした",
            "{product}の作りが値段の割に雑でした",
        ),
    },
    "delivery": {
        POSITIVE: (
            "配送が早く、二日で届きました",
            "配達員の方がとても丁寧に運んでくれました",
            "指定した日時どおりに届きました",
            "配送状況のお知らせが分かりやすかったです",
        ),
        NEGATIVE: (
            "配送に{days}日もかかりました",
            "配達日が連絡なしに二回も変更されました",
            "配達済みになっているのに荷物が届いていません",
            "一日中家で待っていましたが、配達が来ませんでした",
            "一週間も配送状況が更新されませんでした",
        ),
    },
    "price": {
        POSITIVE: (
            "価格が手頃でした",
            "セールで買えたのでお得でした",
            "この品質でこの値段なら満足です",
        ),
        NEGATIVE: (
            "少し値段が高いと感じました",
            "送料が高すぎます",
            "購入した一週間後に値下げされていて残念でした",
        ),
    },
    "staff": {
        POSITIVE: (
            "{agent}がとても丁寧に対応してくれました",
            "{agent}は親切で、商品にも詳しかったです",
            "{agent}が約束どおりに折り返し連絡をくれました",
            "サポートの方の対応がとても感じ良かったです",
        ),
        NEGATIVE: (
            "サポートの対応が事務的でした",
            "同じ説明を何度も別の担当者にしなければなりませんでした",
            "{agent}から折り返し連絡すると言われましたが、連絡はありませんでした",
            "{agent}は以前のメールを読んでいないようでした",
        ),
    },
    "website": {
        POSITIVE: (
            "アプリで注文状況が確認できて便利です",
            "サイトが使いやすく、購入もスムーズでした",
        ),
        NEGATIVE: (
            "アプリが決済の途中で落ちました",
            "サイトの表示が遅く、絞り込み検索も使いにくいです",
            "サイトで組み立て説明書が見つかりませんでした",
        ),
    },
    "wait": {
        POSITIVE: (
            "電話がすぐにつながりました",
            "チャットの返信がとても早かったです",
            "メールの返信がその日のうちに来ました",
        ),
        NEGATIVE: (
            "電話が{minutes}分もつながりませんでした",
            "返信まで{hours}時間もかかりました",
            "待ち時間が長すぎました",
        ),
    },
    "resolution": {
        POSITIVE: (
            "一回の問い合わせで解決しました",
            "すぐに交換品を送ってもらえました",
            "返金も数日で完了しました",
        ),
        NEGATIVE: (
            "まだ問題が解決していません",
            "返金がまだされていません",
            "同じ件で三回も問い合わせることになりました",
        ),
    },
    "packaging": {
        POSITIVE: (
            "梱包がとても丁寧でした",
            "梱包がしっかりしていて、傷一つありませんでした",
        ),
        NEGATIVE: (
            "箱がつぶれた状態で届きました",
            "梱包にプラスチックが多すぎます",
        ),
    },
    "assembly": {
        POSITIVE: (
            "組み立てが簡単で、説明書も分かりやすかったです",
            "設置の方が手際よく組み立ててくれました",
        ),
        NEGATIVE: (
            "組み立て説明書が分かりにくかったです",
            "ネジが足りず、最後まで組み立てられませんでした",
        ),
    },
}

BANKS: dict[str, Bank] = {"en": EN, "zh-hans": ZH, "ja": JA}

NEUTRAL = {
    "en": (
        "It was okay.",
        "Nothing special, but no complaints either.",
        "It did the job.",
        "Average experience overall.",
        "Fine, about what I expected.",
    ),
    "zh-hans": (
        "还行吧。",
        "一般般，没什么特别的。",
        "中规中矩。",
        "总体还可以。",
        "跟预期差不多。",
    ),
    "ja": (
        "普通です。",
        "可もなく不可もなくといったところです。",
        "特に問題はありませんでした。",
        "まあまあでした。",
        "だいたい期待どおりでした。",
    ),
}
PRAISE_CLOSERS = {
    "en": (
        "Will definitely order again.",
        "Thank you!",
        "Highly recommend Lumen.",
        "Very happy overall.",
        "Love it!",
    ),
    "zh-hans": (
        "下次还会再买。",
        "推荐给大家！",
        "总体很满意，谢谢！",
        "好评！",
        "会推荐给朋友的。",
    ),
    "ja": (
        "また利用したいです。",
        "友人にもすすめたいと思います。",
        "大満足です！",
        "ありがとうございました。",
    ),
}
COMPLAINT_CLOSERS = {
    "en": (
        "Very disappointed.",
        "Please sort this out.",
        "Not sure I'll order again.",
        "I expected better from Lumen.",
    ),
    "zh-hans": ("非常失望。", "希望尽快处理。", "以后不会再买了。", "体验很差。"),
    "ja": (
        "とても残念です。",
        "早急に対応をお願いします。",
        "次回の利用は考えてしまいます。",
        "改善を期待しています。",
    ),
}
SUGGESTIONS = {
    "en": (
        "It would be great to have an assembly service.",
        "Please offer evening delivery slots.",
        "A live chat at weekends would really help.",
        "More colour options would be nice.",
    ),
    "zh-hans": (
        "希望能提供上门安装服务。",
        "希望可以预约晚上送货。",
        "希望周末也有在线客服。",
        "希望多出几种颜色。",
    ),
    "ja": (
        "組み立てサービスがあると助かります。",
        "夜間の配達時間帯を選べるようにしてほしいです。",
        "週末もチャットで相談できると嬉しいです。",
        "色の種類を増やしてほしいです。",
    ),
}


@dataclass(frozen=True, slots=True)
class Context:
    """The facts a comment may mention, already in the writer's language."""

    language: str
    product: str
    agent: str
    days: int = 14
    minutes: int = 20
    hours: int = 24


def _clause(rng: random.Random, context: Context, aspect: str, polarity: str) -> str:
    template = rng.choice(BANKS[context.language][aspect][polarity])
    return template.format(
        product=context.product,
        agent=context.agent,
        days=context.days,
        minutes=context.minutes,
        hours=context.hours,
    )


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(language: str, clauses: Sequence[str], rng: random.Random) -> str:
    """One or two clauses of the same polarity, as written in `language`."""
    if language == "en":
        if len(clauses) == 2 and not any("," in clause or " and " in clause for clause in clauses):
            return _capitalized(" and ".join(clauses)) + "."
        return " ".join(_capitalized(clause) + "." for clause in clauses)
    if language == "zh-hans":
        joiner = rng.choice(("，", "，而且"))
        return joiner.join(clauses) + rng.choice(("。", "。", "！"))
    joiner = rng.choice(("。また、", "。それに、", "。"))
    return joiner.join(clauses) + "。"


def _contrast(language: str, first: str, second: str, rng: random.Random) -> str:
    """Two clauses of opposite polarity: "the sofa is lovely, but delivery was slow"."""
    if language == "en":
        pattern = rng.choice(("{a}, but {b}.", "{a}, but {b}.", "Although {a}, {b}."))
        return _capitalized(pattern.format(a=first, b=second))
    if language == "zh-hans":
        pattern = rng.choice(("{a}，但是{b}。", "{a}，不过{b}。", "虽然{a}，但是{b}。"))
        return pattern.format(a=first, b=second)
    pattern = rng.choice(("{a}が、{b}。", "{a}。ただ、{b}。", "{a}。でも、{b}。"))
    return pattern.format(a=first, b=second)


def comment(
    rng: random.Random,
    context: Context,
    *,
    praise: Sequence[str] = (),
    complaints: Sequence[str] = (),
    ends_well: bool | None = None,
) -> str:
    """A comment praising the `praise` aspects and complaining about the `complaints` ones
    (at most two of each, most important first); neutral when both are empty. A mixed
    comment ends on the praise when `ends_well`, as happy customers' comments do."""
    language = context.language
    good = [_clause(rng, context, aspect, POSITIVE) for aspect in praise[:2]]
    bad = [_clause(rng, context, aspect, NEGATIVE) for aspect in complaints[:2]]
    if good and bad:
        if ends_well is None:
            ends_well = rng.random() < 0.5
        first, second = (bad[0], good[0]) if ends_well else (good[0], bad[0])
        return _contrast(language, first, second, rng)
    if good:
        closer = _maybe(rng, PRAISE_CLOSERS[language], 0.4)
        return join_sentences(language, _sentence(language, good, rng), closer)
    if bad:
        closers = rng.choice((COMPLAINT_CLOSERS, SUGGESTIONS))[language]
        return join_sentences(language, _sentence(language, bad, rng), _maybe(rng, closers, 0.45))
    suggestion = _maybe(rng, SUGGESTIONS[language], 0.5)
    return join_sentences(language, rng.choice(NEUTRAL[language]), suggestion)


def opinion(
    rng: random.Random,
    context: Context,
    sentiment: str,
    praise: Sequence[str],
    complaints: Sequence[str],
) -> str:
    """A comment for a "positive", "neutral" or "negative" experience: mostly about the
    aspects that match it, now and then with one of the other kind, as people write."""
    if sentiment == "positive":
        complaints = complaints[:1] if rng.random() < 0.2 else ()
    elif sentiment == "negative":
        praise = praise[:1] if rng.random() < 0.2 else ()
    elif rng.random() < 0.6:
        praise, complaints = praise[:1], complaints[:1]
    else:
        praise, complaints = (), ()
    ends_well = {"positive": True, "negative": False}.get(sentiment)
    return comment(rng, context, praise=praise, complaints=complaints, ends_well=ends_well)


def _maybe(rng: random.Random, options: Sequence[str], probability: float) -> str:
    return rng.choice(options) if rng.random() < probability else ""


def join_sentences(language: str, *sentences: str) -> str:
    """Sentences as written: spaced in English, run together in Chinese and Japanese."""
    separator = " " if language == "en" else ""
    return separator.join(sentence for sentence in sentences if sentence)
