"""What the demo's agents and customers write outside survey comments, by language: the
agent's interaction notes, chats and emails by support topic, social and review sources,
and a few research interviews."""

# Chinese and Japanese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

TOPICS = (
    "where_is_my_order",
    "damaged_item",
    "return_refund",
    "product_question",
    "assembly_help",
    "billing",
    "account_app",
)

# What an agent writes in the interaction log: (resolved, not resolved) per topic.
NOTES: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "where_is_my_order": (
            "Customer asked where order {order} ({product}) is. Carrier scan stuck at the "
            "depot; gave a new ETA and booked a delivery slot.",
            "Customer chasing order {order} ({product}), no carrier update for days. Raised "
            "with logistics, promised a call back.",
        ),
        "damaged_item": (
            "{product} from order {order} arrived damaged. Photos received, replacement shipped.",
            "{product} from order {order} arrived damaged. Waiting on the carrier claim "
            "before we can replace it.",
        ),
        "return_refund": (
            "Return for order {order} ({product}) approved; refund issued to the original "
            "payment method.",
            "Customer wants to return the {product} (order {order}); pickup not booked yet, "
            "refund pending.",
        ),
        "product_question": (
            "Questions about the {product}: dimensions and care. Answered and sent the "
            "product sheet.",
            "Customer asked whether the {product} comes in another colour; checking with "
            "the buying team.",
        ),
        "assembly_help": (
            "Walked the customer through assembling the {product}; emailed the missing page "
            "of the manual.",
            "Parts missing for the {product} (order {order}); spare parts ordered, customer "
            "will call back.",
        ),
        "billing": (
            "Charged twice for order {order}: explained the second one is a pre-authorisation "
            "that drops off in 3–5 days.",
            "Discount code not applied to order {order}; asked finance to refund the difference.",
        ),
        "account_app": (
            "Customer could not log in to the app; sent a password reset, working now.",
            "App crashes at checkout for this customer; ticket raised with the digital team.",
        ),
    },
    "zh-hans": {
        "where_is_my_order": (
            "客户询问订单{order}（{product}）的物流进度，包裹在中转站滞留，已告知预计送达时间并预约送货。",
            "客户催问订单{order}（{product}），物流多日未更新，已升级至物流组，承诺回电。",
        ),
        "damaged_item": (
            "订单{order}的{product}到货破损，客户已提供照片，已安排补发。",
            "订单{order}的{product}到货破损，需等快递理赔结果后再安排更换。",
        ),
        "return_refund": (
            "订单{order}（{product}）退货已审核通过，退款已原路退回。",
            "客户要求退回{product}（订单{order}），上门取件尚未预约，退款待处理。",
        ),
        "product_question": (
            "客户咨询{product}的尺寸和保养方法，已解答并发送产品说明。",
            "客户询问{product}是否有其他颜色，需向采购部门确认。",
        ),
        "assembly_help": (
            "指导客户完成{product}的安装，已发送说明书缺失的页面。",
            "订单{order}的{product}缺少零件，已补寄配件，客户稍后回电。",
        ),
        "billing": (
            "订单{order}被重复扣款，已说明第二笔为预授权，3–5天内自动退回。",
            "订单{order}未使用上优惠码，已向财务申请退还差价。",
        ),
        "account_app": (
            "客户无法登录小程序，已重置密码，现已恢复正常。",
            "客户在App结账时闪退，已提交给技术团队。",
        ),
    },
    "ja": {
        "where_is_my_order": (
            "注文{order}（{product}）の配送状況の問い合わせ。配送拠点で滞留していたため、新しいお届け予定日を"
            "案内し配達日時を予約。",
            "注文{order}（{product}）の配送状況が数日更新されていないとの問い合わせ。物流チームへ"
            "エスカレーションし、折り返し連絡を約束。",
        ),
        "damaged_item": (
            "注文{order}の{product}が破損して到着。写真を受領し、交換品を発送済み。",
            "注文{order}の{product}が破損して到着。配送業者の調査結果を待ってから交換を手配予定。",
        ),
        "return_refund": (
            "注文{order}（{product}）の返品を承認し、元の支払方法へ返金済み。",
            "{product}（注文{order}）の返品希望。集荷は未手配、返金は保留中。",
        ),
        "product_question": (
            "{product}のサイズとお手入れ方法について回答し、商品資料を送付。",
            "{product}の別カラーの有無について問い合わせ。仕入れ担当に確認中。",
        ),
        "assembly_help": (
            "{product}の組み立て方法を電話で案内し、説明書の不足ページを送付。",
            "注文{order}の{product}の部品不足。部品を手配済み、お客様から再度連絡予定。",
        ),
        "billing": (
            "注文{order}の二重請求について、仮売上のため3〜5日で取り消される旨を説明。",
            "注文{order}にクーポンが適用されていなかったため、差額の返金を経理に依頼。",
        ),
        "account_app": (
            "アプリにログインできないとの問い合わせ。パスワードを再設定し解決。",
            "アプリの決済画面で落ちるとの報告。デジタルチームにチケットを起票。",
        ),
    },
}

# What a customer writes first, by topic (chats add a greeting; emails have their own).
OPENERS: dict[str, dict[str, str]] = {
    "en": {
        "where_is_my_order": "My order {order} was due last week and the tracking hasn't "
        "moved since.",
        "damaged_item": "The {product} I received is damaged. One corner is cracked.",
        "return_refund": "I'd like to return the {product}. It doesn't fit our space.",
        "product_question": "Does the {product} come in a darker colour?",
        "assembly_help": "I'm stuck assembling the {product}: step 6 doesn't match the "
        "parts I have.",
        "billing": "I've been charged twice for order {order}.",
        "account_app": "The app logs me out every time I try to pay.",
    },
    "zh-hans": {
        "where_is_my_order": "我的订单{order}上周就该到了，物流一直没动。",
        "damaged_item": "收到的{product}是坏的，有一个角裂开了。",
        "return_refund": "我想退掉{product}，家里放不下。",
        "product_question": "{product}有深一点的颜色吗？",
        "assembly_help": "{product}装到第六步装不下去了，零件对不上。",
        "billing": "订单{order}被扣了两次钱。",
        "account_app": "每次付款的时候App都会把我退出登录。",
    },
    "ja": {
        "where_is_my_order": (
            "注文{order}が先週届く予定だったのですが、配送状況がずっと変わりません。"
        ),
        "damaged_item": "届いた{product}が破損していました。角が一か所割れています。",
        "return_refund": "{product}を返品したいです。部屋に合いませんでした。",
        "product_question": "{product}に濃い色のものはありますか？",
        "assembly_help": "{product}の組み立てで、手順6の部品が合わず困っています。",
        "billing": "注文{order}の代金が二重に請求されています。",
        "account_app": "支払いをしようとするたびにアプリからログアウトされてしまいます。",
    },
}

# The agent's answer: (resolved, not resolved) per topic.
REPLIES: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "where_is_my_order": (
            "Thanks for waiting. It's at your local depot and will be delivered tomorrow "
            "between 9 and 1.",
            "I'm sorry, I can't see an update either. I've escalated it to our logistics "
            "team and we'll email you within 24 hours.",
        ),
        "damaged_item": (
            "I'm so sorry about that. I've arranged a replacement; it ships today.",
            "Sorry about this. Could you send us a photo? We need it for the carrier claim "
            "before we can replace it.",
        ),
        "return_refund": (
            "No problem, I've booked a free pickup for Thursday. The refund goes out as "
            "soon as it's back with us.",
            "Bulky returns need a pickup slot; our returns team will contact you to arrange it.",
        ),
        "product_question": (
            "Yes, it also comes in charcoal. I've sent you the link.",
            "Let me check with our buying team and get back to you.",
        ),
        "assembly_help": (
            "There's an updated manual for that batch; I've emailed it to you.",
            "It sounds like a part is missing. I've ordered it for you; it takes 5–7 days.",
        ),
        "billing": (
            "The second charge is only a pre-authorisation and will disappear within 3–5 days.",
            "I've asked our finance team to check and they'll reply by email.",
        ),
        "account_app": (
            "Please update the app to the latest version; that fixes the checkout issue.",
            "Thanks for reporting it. I've passed it on to our app team.",
        ),
    },
    "zh-hans": {
        "where_is_my_order": (
            "让您久等了。包裹已经到了您所在城市的站点，明天上午就能送到。",
            "非常抱歉，我这边也看不到更新，已经升级给物流组，24小时内邮件回复您。",
        ),
        "damaged_item": (
            "非常抱歉！已经为您安排补发，今天就会发出。",
            "很抱歉，麻烦您拍张照片发给我们，快递理赔需要照片，之后才能安排更换。",
        ),
        "return_refund": (
            "没问题，已为您预约周四免费上门取件，收到退货后马上退款。",
            "大件退货需要预约取件时间，退货组会联系您安排。",
        ),
        "product_question": (
            "有的，还有炭灰色，链接已经发给您了。",
            "我跟采购部门确认一下再回复您。",
        ),
        "assembly_help": (
            "这一批有更新版的说明书，已经发到您的邮箱了。",
            "应该是少了零件，已经为您补寄，大约5–7天到。",
        ),
        "billing": (
            "第二笔只是预授权，3–5天内会自动退回。",
            "已经请财务同事核实，稍后会邮件回复您。",
        ),
        "account_app": (
            "请把App更新到最新版本，结账的问题就解决了。",
            "感谢反馈，已经转给App团队处理。",
        ),
    },
    "ja": {
        "where_is_my_order": (
            "お待たせいたしました。お近くの配送拠点に到着しており、明日の午前中にお届けします。",
            "申し訳ございません。こちらでも更新が確認できないため、物流チームに確認し24時間以内にメールでご連絡します。",
        ),
        "damaged_item": (
            "大変申し訳ございません。交換品を手配し、本日発送いたします。",
            "申し訳ございません。配送業者への申請に必要なため、お写真をお送りいただけますか。",
        ),
        "return_refund": (
            "承知しました。木曜日に無料集荷を手配しました。商品到着後すぐに返金いたします。",
            "大型商品の返品は集荷の予約が必要なため、返品担当よりご連絡いたします。",
        ),
        "product_question": (
            "はい、チャコールもございます。リンクをお送りしました。",
            "仕入れ担当に確認のうえ、改めてご連絡いたします。",
        ),
        "assembly_help": (
            "このロットには改訂版の説明書がございます。メールでお送りしました。",
            "部品が不足しているようです。お手配しましたので、5〜7日ほどで届きます。",
        ),
        "billing": (
            "二件目は仮売上のため、3〜5日で自動的に取り消されます。",
            "経理担当に確認を依頼しました。メールでご連絡いたします。",
        ),
        "account_app": (
            "アプリを最新版に更新していただくと、決済の不具合は解消されます。",
            "ご報告ありがとうございます。アプリ担当チームに共有いたしました。",
        ),
    },
}

CHAT_CLOSERS = {
    "en": (
        ("Great, thank you!", "Perfect, thanks for the quick help."),
        (
            "OK. I hope this gets sorted soon.",
            "That's disappointing, I've already waited a long time.",
        ),
    ),
    "zh-hans": (
        ("好的，谢谢！", "太好了，谢谢你这么快帮我处理。"),
        ("好吧，希望尽快解决。", "有点失望，我已经等了很久了。"),
    ),
    "ja": (
        ("分かりました、ありがとうございます！", "迅速なご対応ありがとうございました。"),
        ("分かりました。早く解決するといいのですが。", "残念です。もうかなり待っています。"),
    ),
}
CHAT_GREETINGS = {"en": "Hi! ", "zh-hans": "你好！", "ja": "こんにちは。"}
CHAT_LABELS = {
    "en": ("Customer", "Agent ({name})"),
    "zh-hans": ("客户", "客服（{name}）"),
    "ja": ("お客様", "担当（{name}）"),
}
LABEL_SEPARATOR = {"en": ": ", "zh-hans": "：", "ja": "："}

EMAIL_SUBJECTS = {
    "en": {
        "where_is_my_order": "Order {order}: where is my delivery?",
        "damaged_item": "Order {order}: item arrived damaged",
        "return_refund": "Return request for order {order}",
        "product_question": "Question about the {product}",
        "assembly_help": "Assembly problem, order {order}",
        "billing": "Charged twice for order {order}",
        "account_app": "Problem with the Lumen app",
    },
    "zh-hans": {
        "where_is_my_order": "订单{order}物流查询",
        "damaged_item": "订单{order}商品破损",
        "return_refund": "订单{order}退货申请",
        "product_question": "关于{product}的咨询",
        "assembly_help": "订单{order}安装问题",
        "billing": "订单{order}重复扣款",
        "account_app": "App使用问题",
    },
    "ja": {
        "where_is_my_order": "注文{order}の配送状況について",
        "damaged_item": "注文{order}の商品破損について",
        "return_refund": "注文{order}の返品のお願い",
        "product_question": "{product}についての質問",
        "assembly_help": "注文{order}の組み立てについて",
        "billing": "注文{order}の二重請求について",
        "account_app": "アプリの不具合について",
    },
}
EMAIL_FRAME = {
    "en": "Hello,\n\n{body}\n\nBest regards,\n{name}",
    "zh-hans": "您好：\n\n{body}\n\n谢谢！\n{name}",
    "ja": "ご担当者様\n\n{body}\n\nよろしくお願いいたします。\n{name}",
}
REPORTED_BY_PHONE = {
    "en": "Feedback passed on by phone: “{text}”",
    "zh-hans": "客户来电反馈：“{text}”",
    "ja": "お電話でいただいたご意見：「{text}」",
}

SOCIAL_PLATFORMS = {
    "en": ("Instagram", "X", "Facebook", "TikTok"),
    "zh-hans": ("微博", "小红书", "抖音"),
    "ja": ("X", "Instagram", "LINE"),
}
SOCIAL_MENTIONS = {"en": "@LumenHome", "zh-hans": "@Lumen家居", "ja": "@LumenHome_JP"}
HASHTAGS = {
    "en": ("#LumenHome", "#homedecor", "#newhome", "#customerservice"),
    "zh-hans": ("#Lumen家居#", "#家居好物#", "#装修日记#"),
    "ja": ("#Lumen", "#インテリア", "#模様替え", "#新生活"),
}
REVIEW_SITES = {
    "en": ("lumenhome.example", "Trustpilot", "Google"),
    "zh-hans": ("天猫旗舰店", "京东", "lumenhome.example"),
    "ja": ("楽天市場", "Amazon.co.jp", "lumenhome.example"),
}

INTERVIEWS = {
    "en": (
        "Interview with a trade customer (interior designer, Berlin). Orders for three to "
        "five client projects a month. Loves the oak and walnut ranges and says clients "
        "trust the quality. Biggest pain: delivery dates that move. 'If a sofa is two weeks "
        "late, I'm the one who looks unreliable.' Wants firm delivery slots and one contact "
        "person for trade orders.",
        "Interview with a first-time buyer (Toronto). Found Lumen through Instagram. Checkout "
        "on the app was smooth, but she could not tell from the photos how big the rug "
        "was. Would like room photos with measurements and an AR preview.",
    ),
    "zh-hans": (
        "用户访谈：上海，新房装修客户。主要通过小程序下单，觉得下单和查物流都很方便。对沙发的面料很满意，"
        "但安装师傅迟到了两次，希望能提前一天确认上门时间。",
        "用户访谈：深圳，小型咖啡店店主。一次买了十二把餐椅，价格和质量都满意，希望企业客户有专属客服和"
        "开发票更快。",
    ),
    "ja": (
        "インタビュー：東京在住、一人暮らしのお客様。ラグとカーテンを購入。商品の質には満足しているが、"
        "配達日時の指定が三日先からしか選べないのが不便とのこと。週末の午前中の枠を希望。",
        "インタビュー：大阪、設計事務所のお客様。家具の質感とデザインを高く評価。一方で、見積書や請求書の"
        "発行に時間がかかり、法人向けの窓口がほしいとの要望。",
    ),
}
