"""API shapes of analytics figures: every value travels with n, its 95% interval and
whether n reaches the organization's minimum (`enough`)."""

from __future__ import annotations

from rest_framework import serializers


class EstimateSerializer(serializers.Serializer[object]):
    value = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField()
    low = serializers.FloatField(allow_null=True, help_text="95% interval, lower end.")
    high = serializers.FloatField(allow_null=True, help_text="95% interval, upper end.")
    standard_error = serializers.FloatField(allow_null=True)
    enough = serializers.BooleanField(help_text="n is at least the organization's minimum.")


class TestSerializer(serializers.Serializer[object]):
    test = serializers.CharField(
        help_text="two-proportion z-test, Welch t-test or multinomial bootstrap"
    )
    statistic = serializers.FloatField()
    p_value = serializers.FloatField()


class ComparisonSerializer(serializers.Serializer[object]):
    difference = serializers.FloatField(allow_null=True)
    test = TestSerializer(allow_null=True)
    adjusted_p = serializers.FloatField(allow_null=True, required=False)
    significant = serializers.BooleanField(help_text="p (adjusted, for segments) below 0.05.")


class MetricSpecSerializer(serializers.Serializer[object]):
    key = serializers.CharField()
    name = serializers.CharField(source="label")
    format = serializers.CharField(
        source="style", help_text="score (NPS, -100…100), percent (0…100) or mean"
    )


class MetricFigureSerializer(serializers.Serializer[object]):
    metric = MetricSpecSerializer()
    estimate = EstimateSerializer()
    previous = EstimateSerializer(allow_null=True, help_text="The period just before, as long.")
    change = ComparisonSerializer(allow_null=True)
    counted_from = serializers.CharField(help_text="rollups or raw")


class TrendPointSerializer(serializers.Serializer[object]):
    period = serializers.DateField(help_text="First day of the day/week/month/quarter.")
    estimate = EstimateSerializer()


class TrendSerializer(serializers.Serializer[object]):
    metric = MetricSpecSerializer()
    period = serializers.CharField()
    points = TrendPointSerializer(many=True)


class BreakdownRowSerializer(serializers.Serializer[object]):
    value = serializers.CharField(help_text="Pass as the dimension's filter to select it.")
    name = serializers.CharField(source="label")
    estimate = EstimateSerializer()
    versus_rest = ComparisonSerializer(allow_null=True)
    direction = serializers.CharField(
        help_text="above / below the rest when significant, else empty"
    )


class BreakdownSerializer(serializers.Serializer[object]):
    dimension = serializers.CharField()
    metric = MetricSpecSerializer()
    overall = EstimateSerializer()
    correction = serializers.CharField()
    rows = BreakdownRowSerializer(many=True)


class FunnelSerializer(serializers.Serializer[object]):
    sent = serializers.IntegerField()
    opened = serializers.IntegerField()
    answered = serializers.IntegerField()
    response_rate = EstimateSerializer()


class DriverSerializer(serializers.Serializer[object]):
    key = serializers.CharField()
    name = serializers.CharField(source="label")
    importance = serializers.FloatField(help_text="Johnson's relative weight; they sum to R².")
    share = serializers.FloatField(help_text="importance / R²")
    correlation = serializers.FloatField()
    performance = serializers.FloatField(help_text="Mean rating on 0…100 of its scale.")
    quadrant = serializers.CharField()


class DriverAnalysisSerializer(serializers.Serializer[object]):
    survey = serializers.IntegerField()
    question = serializers.CharField()
    outcome = serializers.CharField()
    n = serializers.IntegerField()
    r_squared = serializers.FloatField()
    drivers = DriverSerializer(many=True)


class SlaFiguresSerializer(serializers.Serializer[object]):
    first_response = EstimateSerializer(
        help_text="% of cases whose first response came in time, over the cases whose "
        "first-response target has come due or been reached."
    )
    resolution = EstimateSerializer(help_text="The same for the resolution target.")


class SlaRowSerializer(serializers.Serializer[object]):
    value = serializers.CharField(help_text="Pass as the team or priority filter to select it.")
    name = serializers.CharField(source="label")
    first_response = EstimateSerializer(source="compliance.first_response")
    resolution = EstimateSerializer(source="compliance.resolution")


class SlaComplianceSerializer(serializers.Serializer[object]):
    first_response = EstimateSerializer(source="overall.first_response")
    resolution = EstimateSerializer(source="overall.resolution")
    ignored_filters = serializers.ListField(
        child=serializers.CharField(),
        source="overall.ignored",
        help_text="Filters given that describe survey answers, not cases, and so do not apply.",
    )
    by_team = SlaRowSerializer(many=True)
    by_priority = SlaRowSerializer(many=True)


class AttributeSerializer(serializers.Serializer[object]):
    key = serializers.CharField()
    name = serializers.CharField()


class AnalyticsSettingsSerializer(serializers.Serializer[object]):
    minimum_n = serializers.IntegerField(
        min_value=1,
        max_value=10_000,
        required=False,
        help_text="Figures on fewer answers come with enough=false (greyed out in the UI).",
    )
    csi_weights = serializers.DictField(
        child=serializers.FloatField(min_value=0),
        required=False,
        help_text="Weight per attribute (matrix row key), non-negative, at least one above "
        "0; {} takes the weights from the key-driver analysis.",
    )
    csi_weights_source = serializers.CharField(read_only=True, help_text="configured or drivers")
    attributes = AttributeSerializer(
        many=True, read_only=True, help_text="The attributes the CSI can weigh."
    )


class CsiWeightSerializer(serializers.Serializer[object]):
    key = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.FloatField(help_text="Share of the index; the weights sum to 1.")


class CsiSerializer(serializers.Serializer[object]):
    metric = MetricSpecSerializer()
    estimate = EstimateSerializer(
        help_text="0…100; n is the largest attribute's number of answers."
    )
    survey = serializers.IntegerField()
    question = serializers.CharField(help_text="The matrix question whose rows are weighed.")
    weights_from = serializers.CharField(help_text="configured, drivers or equal")
    weights = CsiWeightSerializer(many=True)
