from django.urls import path

from simulator.tools import views
from simulator.tools.check import views as check
from simulator.tools.collateral import views as collateral

app_name = "tools"
urlpatterns = [
    path("", views.index, name="index"),
    path("liquidation-price/", views.liquidation_price, name="liquidation_price"),
    path(
        "liquidation-price/results/",
        views.liquidation_price_results,
        name="liquidation_price_results",
    ),
    path("position-size/", views.position_size, name="position_size"),
    path("position-size/results/", views.position_size_results, name="position_size_results"),
    path("pnl/", views.pnl, name="pnl"),
    path("pnl/results/", views.pnl_results, name="pnl_results"),
    path("check/", check.check, name="check"),
    path("check/results/", check.check_results, name="check_results"),
    path("check/paste/", check.check_paste, name="check_paste"),
    path("collateral/", collateral.collateral, name="collateral"),
    path("collateral/results/", collateral.collateral_results, name="collateral_results"),
    path("collateral/widget/", collateral.collateral_widget, name="collateral_widget"),
]
