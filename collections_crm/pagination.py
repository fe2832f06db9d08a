import json
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from rest_framework.pagination import PageNumberPagination

# Counting exactly is free for a short list and dearer than the whole page for a long one: a team's 400,000
# accounts take 150 ms to count. Above this many rows, lists report PostgreSQL's planner estimate instead.
EXACT_COUNT_LIMIT = 10_000


class EstimatedCountPaginator(Paginator):
    """Exact counts up to EXACT_COUNT_LIMIT rows; beyond, the planner's estimate (`count_is_estimate` is set)."""

    count_is_estimate = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        capped = queryset[: EXACT_COUNT_LIMIT + 1].count()
        if capped <= EXACT_COUNT_LIMIT:
            return capped
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return queryset.count()
        sql, params = queryset.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan  # psycopg2 decodes the JSON itself
        estimate = int(plan[0]["Plan"]["Plan Rows"])
        self.count_is_estimate = True
        return max(estimate, capped)


class Pagination(PageNumberPagination):
    """Every API list: ?page= and ?page_size= (at most 200), answering {count, next, previous, results}; very
    long lists add `"count_is_estimate": true` because their count is the database's estimate."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = EstimatedCountPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.page.paginator.count_is_estimate:
            response.data["count_is_estimate"] = True
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_estimate"] = {
            "type": "boolean", "description": "Present (true) when `count` is an estimate of a very long list."}
        return schema


