"""Seed the POLICY.md defaults for Wuchang (420106), each with its source. Values the digest
could not find (POLICY.md §7: the Wuhan amounts) are marked as synthetic demo values."""

from django.db import migrations


def seed(apps, schema_editor):
    from doudi.parameters.specs import DEFAULT_FROM, SPECS, WUCHANG
    from doudi.parameters.units import catalogue_json
    from doudi.rules import DEFAULT_PROOF_CATALOGUE

    Value = apps.get_model("parameters", "ParameterValue")
    have = set(Value.objects.filter(area_code=WUCHANG).values_list("name", flat=True))
    Value.objects.bulk_create(
        [
            Value(
                name=spec.name,
                area_code=WUCHANG,
                value=catalogue_json(DEFAULT_PROOF_CATALOGUE)
                if spec.kind == "catalogue"
                else spec.default,
                effective_from=DEFAULT_FROM,
                source=spec.source,
            )
            for spec in SPECS
            if spec.name not in have
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("parameters", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
