"""On PostgreSQL, a plan's installments must add up to its total when each transaction commits (a deferred
constraint trigger: rows are written one by one, the sum is judged at the end)."""

from django.db import migrations

CREATE = """
CREATE FUNCTION payment_plans_installments_sum_to_total() RETURNS trigger AS $$
DECLARE
    target_plan bigint := COALESCE(NEW.plan_id, OLD.plan_id);
    scheduled numeric;
    total numeric;
BEGIN
    SELECT total_amount INTO total FROM payment_plans_paymentplan WHERE id = target_plan;
    IF total IS NULL THEN
        RETURN NULL;  -- the plan itself is gone
    END IF;
    SELECT COALESCE(SUM(amount), 0) INTO scheduled FROM payment_plans_installment i WHERE i.plan_id = target_plan;
    IF scheduled <> total THEN
        RAISE EXCEPTION 'payment_plans_installments_sum_to_total: plan % schedules % of its total %',
            target_plan, scheduled, total USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER payment_plans_installments_sum_to_total
    AFTER INSERT OR UPDATE OF amount OR DELETE ON payment_plans_installment
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION payment_plans_installments_sum_to_total();
"""
DROP = """
DROP TRIGGER IF EXISTS payment_plans_installments_sum_to_total ON payment_plans_installment;
DROP FUNCTION IF EXISTS payment_plans_installments_sum_to_total();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # no parameters: the % in RAISE are its own


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("payment_plans", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
