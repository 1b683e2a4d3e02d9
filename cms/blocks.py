"""StreamField blocks shared by every content page."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section")), ("h3", _("Subsection"))], default="h2", label=_("Level")
    )

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"
        preview_value = {"text": "Земля леопарда", "level": "h2"}
        description = _("A section heading")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))
    credit = blocks.CharBlock(required=False, max_length=120, label=_("Credit"))
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        label=_("Alternative text"),
        help_text=_(
            "What the image shows, for people who cannot see it. Leave empty if decorative."
        ),
    )

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"
        description = _("An image with caption and credit")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, max_length=120, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"
        preview_value = {
            "quote": "Леопарды не знают границ.",
            "attribution": "Земля леопарда",
        }


class KeyFigureBlock(blocks.StructBlock):
    figure = blocks.CharBlock(label=_("Figure"), max_length=30, help_text=_("e.g. 575 m"))
    label = blocks.CharBlock(label=_("What it counts"), max_length=120)
    source = blocks.CharBlock(required=False, max_length=160, label=_("Source"))

    class Meta:
        icon = "pick"
        template = "cms/blocks/key_figure.html"
        preview_value = {"figure": "362 000", "label": "гектаров охраняемой тайги"}


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=160)
    page = blocks.PageChooserBlock(required=False, label=_("Page"))
    url = blocks.URLBlock(required=False, label=_("Or an address"))
    button = blocks.CharBlock(label=_("Button label"), max_length=60)

    class Meta:
        icon = "link"
        template = "cms/blocks/call_to_action.html"
        preview_value = {
            "text": "Пройдите Тропу леопарда",
            "url": "https://example.org",
            "button": "Подробнее",
        }

    def clean(self, value):
        result = super().clean(value)
        if not result.get("page") and not result.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "page": blocks.BlockValidationError(_("Choose a page or give an address."))
                }
            )
        return result


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(required=False, max_length=160, label=_("Link text"))

    class Meta:
        icon = "doc-full"
        template = "cms/blocks/document_link.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        label=_("Text"),
        template="cms/blocks/paragraph.html",
    )
    image = ImageBlock()
    quote = QuoteBlock()
    key_figure = KeyFigureBlock()
    call_to_action = CallToActionBlock()
    document_link = DocumentLinkBlock()
