"""The scheduler's record of its jobs (cms.scheduler), and failed background tasks as staff
see them: the Tourism desk and Fundraising answer visitors whose e-mail did not arrive."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ROLES = ["Tourism desk", "Fundraising"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("cms")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    permission = Permission.objects.get(content_type__app_label="cms", codename="view_failedtask")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="cms", codename="view_failedtask").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0004_story_tags_in_three_languages'),
        ('django_tasks_database', '0021_conditional_partial_index_ordering'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScheduledJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='job')),
                ('last_started_at', models.DateTimeField(blank=True, null=True, verbose_name='last started')),
                ('last_finished_at', models.DateTimeField(blank=True, null=True, verbose_name='last finished')),
                ('last_failed_at', models.DateTimeField(blank=True, null=True, verbose_name='last failed')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('run_by', models.CharField(blank=True, max_length=200, verbose_name='run by')),
            ],
            options={
                'verbose_name': 'scheduled job',
                'verbose_name_plural': 'scheduled jobs',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='FailedTask',
            fields=[
            ],
            options={
                'verbose_name': 'failed task',
                'verbose_name_plural': 'failed tasks',
                'proxy': True,
                'default_permissions': ('view',),
                'indexes': [],
                'constraints': [],
            },
            bases=('django_tasks_database.dbtaskresult',),
        ),
        migrations.RunPython(grant, revoke),
    ]
