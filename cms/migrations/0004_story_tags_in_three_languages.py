"""Story tags get their own model, named in ru, en and zh-hans.

The tags stories already have are carried over under the same ids, their one name in every
language until editors translate it (Snippets > Story tags).
"""

import django.db.models.deletion
import modelcluster.contrib.taggit
from django.contrib.auth.management import create_permissions
from django.core.management.color import no_style
from django.db import migrations, models


def carry_tags_over(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    StoryTag = apps.get_model("cms", "StoryTag")
    StoryTopic = apps.get_model("cms", "StoryTopic")
    used = StoryTag.objects.values_list("tag_id", flat=True).distinct()
    for tag in Tag.objects.filter(pk__in=used):
        StoryTopic.objects.create(
            pk=tag.pk,
            name=tag.name,
            name_ru=tag.name,
            name_en=tag.name,
            name_zh_hans=tag.name,
            slug=tag.slug,
        )
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [StoryTopic]):
            cursor.execute(sql)


def let_editors_name_tags(apps, schema_editor):
    """Editors and Moderators keep the tag list: they write the stories."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("cms")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    permissions = Permission.objects.filter(
        content_type__app_label="cms",
        codename__in=["add_storytopic", "change_storytopic", "delete_storytopic"],
    )
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0003_navigation_link_page_label'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='StoryTopic',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('name_ru', models.CharField(max_length=100, null=True, unique=True, verbose_name='name')),
                ('name_en', models.CharField(max_length=100, null=True, unique=True, verbose_name='name')),
                ('name_zh_hans', models.CharField(max_length=100, null=True, unique=True, verbose_name='name')),
                ('slug', models.SlugField(allow_unicode=True, max_length=100, unique=True, verbose_name='slug')),
            ],
            options={
                'verbose_name': 'story tag',
                'verbose_name_plural': 'story tags',
                'ordering': ['slug'],
            },
        ),
        migrations.RunPython(carry_tags_over, migrations.RunPython.noop),
        migrations.RunPython(let_editors_name_tags, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='storypage',
            name='tags',
            field=modelcluster.contrib.taggit.ClusterTaggableManager(blank=True, help_text='A comma-separated list of tags.', through='cms.StoryTag', to='cms.StoryTopic', verbose_name='tags'),
        ),
        migrations.AlterField(
            model_name='storytag',
            name='tag',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tagged_stories', to='cms.storytopic'),
        ),
    ]
