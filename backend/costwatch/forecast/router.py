"""Route ``/forecast``."""

from fastapi import APIRouter

from costwatch import clock
from costwatch.auth.dependencies import SettingsDep
from costwatch.calendar import month_start
from costwatch.db.session import SessionDep
from costwatch.errors import error_responses
from costwatch.forecast import service
from costwatch.forecast.schemas import Forecast
from costwatch.params import MonthQuery, YearQuery, month_from_query
from costwatch.reports.router import ViewQuery
from costwatch.routing import DecimalJSONRoute

router = APIRouter(tags=["reports"], route_class=DecimalJSONRoute)


@router.get("/forecast", response_model=Forecast, responses=error_responses(401, 422))
async def forecast(
    session: SessionDep,
    settings: SettingsDep,
    year: YearQuery = None,
    month: MonthQuery = None,
    view: ViewQuery = "accrual",
) -> Forecast:
    """Spend of a month (default: this month) so far and expected at its end, by category.

    * **User License**: the plans in force (known in advance: forecast = actual).
    * **Infrastructure**: each service's invoice for the month; an active service without one
      counts the mean of its last 3 invoiced months (the most recent months before this one
      with an invoice of that service, within 12 months; none: 0).
    * **Usage**: consumption so far + the run rate (consumption of the last 30 days, today
      included, / 30) x the days left after today.

    A past month's forecast is its actual (`method` = `actual`); a future month uses the same
    rules with all its days left. Everything is in the reporting currency, converted with the
    month's rates as in `/summary`; currencies without a rate are left out of the sums and
    listed in `unconverted`. `view=cash` counts annual plans in the months they are paid.
    """
    first = month_from_query(year, month) or month_start(clock.today())
    return await service.get_forecast(
        session, first.year, first.month, reporting=settings.reporting_currency, view=view
    )
