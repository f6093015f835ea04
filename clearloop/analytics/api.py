"""REST endpoints of analytics: the dashboard figures as JSON (value, n, interval, and the
breakdown), read-only, for any role that may view dashboards; and the analytics settings,
which managers and admins change (PATCH).

Every endpoint takes the same filters as query parameters (date_from, date_to, survey,
question, row, channel, language, region, segment, agent, team, product, saved_segment,
hidden_key + hidden_value). Another organization's survey or saved segment is a 404.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clearloop.accounts.permissions import request_organization
from clearloop.accounts.roles import Capability
from clearloop.analytics import selectors, services
from clearloop.analytics.rollups import DIMENSIONS
from clearloop.analytics.serializers import (
    AnalyticsSettingsSerializer,
    BreakdownSerializer,
    CsiSerializer,
    DriverAnalysisSerializer,
    EstimateSerializer,
    FunnelSerializer,
    MetricFigureSerializer,
    SlaComplianceSerializer,
    TrendSerializer,
)
from clearloop.core.errors import NotFound, ValidationFailed

_FILTER_HELP = {
    "date_from": "First day (organization's time zone), YYYY-MM-DD.",
    "date_to": "Last day, included.",
    "survey": "Survey id.",
    "question": "Question key (required for metric=mean).",
    "row": "Matrix row key.",
    "product": "Only customers who ordered this product.",
    "saved_segment": "Saved customer segment id.",
    "hidden_key": "Hidden field name (with hidden_value).",
    "hidden_value": "Hidden field value.",
    **{name: f"Filter on {name} (agent and team by id; 'none' for blank)." for name in DIMENSIONS},
}
FILTER_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.QUERY, description=text)
    for name, text in _FILTER_HELP.items()
]
METRIC_PARAMETER = OpenApiParameter(
    "metric", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(selectors.METRICS)
)


class AnalyticsView(APIView):
    required_capability = Capability.VIEW_DASHBOARDS

    def filters(self, request: Request) -> selectors.MetricFilters:
        return selectors.filters_for(
            organization=request_organization(request), params=request.query_params
        )


class MetricView(AnalyticsView):
    @extend_schema(
        summary="A metric with n, its 95% interval and the change from the previous period",
        parameters=[METRIC_PARAMETER, *FILTER_PARAMETERS],
        responses=MetricFigureSerializer,
    )
    def get(self, request: Request, metric: str) -> Response:
        filters = self.filters(request)
        figure = selectors.metric_figure(
            organization=request_organization(request), metric=metric, filters=filters
        )
        body = {
            "metric": figure.metric,
            "estimate": figure.estimate,
            "previous": figure.previous,
            "change": figure.change,
            "counted_from": "rollups" if selectors.uses_rollups(filters, "", metric) else "raw",
        }
        return Response(MetricFigureSerializer(body).data)


class TrendView(AnalyticsView):
    @extend_schema(
        summary="A metric per day, week, month or quarter, each with n and its interval",
        parameters=[
            METRIC_PARAMETER,
            OpenApiParameter("period", OpenApiTypes.STR, enum=list(selectors.PERIODS)),
            *FILTER_PARAMETERS,
        ],
        responses=TrendSerializer,
    )
    def get(self, request: Request, metric: str) -> Response:
        period = request.query_params.get("period") or "week"
        points = selectors.metric_trend(
            organization=request_organization(request),
            metric=metric,
            filters=self.filters(request),
            period=period,
        )
        body = {"metric": selectors.metric_spec(metric), "period": period, "points": points}
        return Response(TrendSerializer(body).data)


class BreakdownView(AnalyticsView):
    @extend_schema(
        summary="A metric per segment, each tested against the rest (Holm or BH corrected)",
        parameters=[
            METRIC_PARAMETER,
            OpenApiParameter("by", OpenApiTypes.STR, required=True, enum=list(DIMENSIONS)),
            OpenApiParameter("correction", OpenApiTypes.STR, enum=["holm", "bh"]),
            *FILTER_PARAMETERS,
        ],
        responses=BreakdownSerializer,
    )
    def get(self, request: Request, metric: str) -> Response:
        breakdown = selectors.metric_breakdown(
            organization=request_organization(request),
            metric=metric,
            filters=self.filters(request),
            dimension=request.query_params.get("by") or "",
            correction=request.query_params.get("correction") or "holm",
        )
        return Response(BreakdownSerializer(breakdown).data)


class FunnelView(AnalyticsView):
    @extend_schema(
        summary="Email invitations sent → opened → answered, and the response rate",
        parameters=FILTER_PARAMETERS,
        responses=FunnelSerializer,
    )
    def get(self, request: Request) -> Response:
        funnel = selectors.response_funnel(
            organization=request_organization(request), filters=self.filters(request)
        )
        return Response(FunnelSerializer(funnel).data)


class FirstContactResolutionView(AnalyticsView):
    @extend_schema(
        summary="First-contact resolution over interactions where it was recorded",
        parameters=FILTER_PARAMETERS,
        responses=EstimateSerializer,
    )
    def get(self, request: Request) -> Response:
        estimate = selectors.first_contact_resolution(
            organization=request_organization(request), filters=self.filters(request)
        )
        return Response(EstimateSerializer(estimate).data)


def _driver_question(request: Request, filters: selectors.MetricFilters) -> Any:
    questions = selectors.driver_questions(organization=request_organization(request))
    for question in questions:
        if filters.survey_id in (None, question.survey_id) and filters.question_key in (
            "",
            question.matrix_key,
        ):
            return question
    raise NotFound("No survey with a matrix question and an NPS, CSAT or rating question.")


class DriversView(AnalyticsView):
    @extend_schema(
        summary="Key drivers: relative importance (sums to R²), correlation, performance",
        parameters=FILTER_PARAMETERS,
        responses=DriverAnalysisSerializer,
    )
    def get(self, request: Request) -> Response:
        filters = self.filters(request)
        question = _driver_question(request, filters)
        analysis = selectors.driver_analysis(
            organization=request_organization(request),
            question=question,
            filters=replace(filters, question_key="", row=""),
        )
        labels = dict(question.rows)
        body = {
            "survey": question.survey_id,
            "question": question.matrix_key,
            "outcome": question.outcome_key,
            "n": analysis.n if analysis else 0,
            "r_squared": analysis.r_squared if analysis else 0.0,
            "drivers": [
                {**driver.__dict__, "label": labels.get(driver.key, driver.key)}
                for driver in (analysis.drivers if analysis else [])
            ],
        }
        return Response(DriverAnalysisSerializer(body).data)


PRIORITY_PARAMETER = OpenApiParameter(
    "priority", OpenApiTypes.STR, enum=["low", "normal", "high", "urgent"]
)


class SlaComplianceView(AnalyticsView):
    @extend_schema(
        summary="SLA compliance: first response and resolution in time, overall, by team "
        "and by priority, each with n and its 95% interval",
        parameters=[PRIORITY_PARAMETER, *FILTER_PARAMETERS],
        responses=SlaComplianceSerializer,
    )
    def get(self, request: Request) -> Response:
        organization = request_organization(request)
        filters = self.filters(request)
        priority = (request.query_params.get("priority") or "").strip()
        body: dict[str, Any] = {
            "overall": selectors.sla_compliance(
                organization=organization, filters=filters, priority=priority
            )
        }
        for by in ("team", "priority"):
            body[f"by_{by}"] = selectors.sla_compliance_breakdown(
                organization=organization, filters=filters, priority=priority, by=by
            )
        return Response(SlaComplianceSerializer(body).data)


class SettingsView(APIView):
    required_capability = {
        "GET": Capability.VIEW_DASHBOARDS,
        "PATCH": services.SETTINGS_CAPABILITY,
    }

    def _body(self, request: Request) -> dict[str, Any]:
        organization = request_organization(request)
        current = selectors.analytics_settings(organization=organization)
        attributes = selectors.csi_attributes(organization=organization)
        return {
            "minimum_n": current.minimum_n,
            "csi_weights": current.csi_weights,
            "csi_weights_source": "configured" if current.csi_weights else "drivers",
            "attributes": [{"key": key, "name": label} for key, label in attributes],
        }

    @extend_schema(
        summary="The analytics settings: minimum n and CSI weights",
        responses=AnalyticsSettingsSerializer,
    )
    def get(self, request: Request) -> Response:
        return Response(AnalyticsSettingsSerializer(self._body(request)).data)

    @extend_schema(
        summary="Change the minimum n and/or the CSI weights (managers and admins)",
        request=AnalyticsSettingsSerializer,
        responses=AnalyticsSettingsSerializer,
    )
    def patch(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, dict):
            raise ValidationFailed('Send a JSON object like {"minimum_n": 50}.')
        unknown = sorted(set(data) - {"minimum_n", "csi_weights"})
        if unknown:
            raise ValidationFailed(
                f"Unknown setting {unknown[0]!r}; change minimum_n or csi_weights.",
                fields={unknown[0]: ["Unknown setting."]},
            )
        services.analytics_settings_update(
            organization=request_organization(request),
            minimum_n=data.get("minimum_n"),
            csi_weights=data.get("csi_weights"),
        )
        return Response(AnalyticsSettingsSerializer(self._body(request)).data)


CSI_SPEC = selectors.MetricSpec("csi", "CSI", "matrix", "score")


class CsiView(AnalyticsView):
    @extend_schema(
        summary="Customer satisfaction index (0…100) with n, its 95% interval and its weights",
        parameters=FILTER_PARAMETERS,
        responses=CsiSerializer,
    )
    def get(self, request: Request) -> Response:
        figure = selectors.csi_figure(
            organization=request_organization(request), filters=self.filters(request)
        )
        if figure is None:
            raise NotFound("No survey with a matrix question and an NPS, CSAT or rating question.")
        body = {
            "metric": CSI_SPEC,
            "estimate": figure.estimate,
            "survey": figure.question.survey_id,
            "question": figure.question.matrix_key,
            "weights_from": figure.source,
            "weights": [
                {"key": key, "name": label, "weight": weight}
                for key, label, weight in figure.weights
            ],
        }
        return Response(CsiSerializer(body).data)
