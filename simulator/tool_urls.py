from django.urls import path

from simulator import tool_views

app_name = "tools"
urlpatterns = [
    path("", tool_views.index, name="index"),
    path("liquidation-price/", tool_views.liquidation_price, name="liquidation_price"),
    path(
        "liquidation-price/results/",
        tool_views.liquidation_price_results,
        name="liquidation_price_results",
    ),
    path("position-size/", tool_views.position_size, name="position_size"),
    path("position-size/results/", tool_views.position_size_results, name="position_size_results"),
    path("pnl/", tool_views.pnl, name="pnl"),
    path("pnl/results/", tool_views.pnl_results, name="pnl_results"),
]
