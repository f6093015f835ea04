"""Web test constants. The browser fixtures live in clearloop/conftest.py."""

from __future__ import annotations

# The main navigation in each language, in order (the browser tests and page tests agree).
NAVIGATION = {
    "en": [
        "Dashboard",
        "Surveys",
        "Feedback",
        "Customers",
        "Cases",
        "Analytics",
        "Goals",
        "Settings",
    ],
    "ja": [
        "ダッシュボード",
        "アンケート",
        "フィードバック",
        "顧客",
        "ケース",
        "分析",
        "目標",
        "設定",
    ],
    "zh-hans": ["仪表盘", "问卷", "反馈", "客户", "工单", "分析", "目标", "设置"],
}
