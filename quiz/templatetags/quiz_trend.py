"""`{% quiz_score_trend %}`: the signed-in learner's quiz score trend, for the dashboard."""

from django import template

from quiz.quiz_stats import score_trend

register = template.Library()


@register.inclusion_tag("quiz/_score_trend.html", takes_context=True)
def quiz_score_trend(context):
    """Two queries: finish attempts whose time ran out, then the last scores."""
    return {"quiz_trend": score_trend(user=context["request"].user)}
