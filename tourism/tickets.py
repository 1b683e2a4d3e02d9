"""The ticket's QR code: the booking's signed check-in code (services.check_in_code), as a PNG
for the confirmation e-mail and as SVG markup for the visitor's booking page. It holds the
reference and a signature, nothing else (no name, no place)."""

import io

import qrcode
import qrcode.image.svg

from tourism.services import check_in_code


def _code(booking, box_size):
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=box_size
    )
    code.add_data(check_in_code(booking))
    code.make(fit=True)
    return code


def qr_png(booking):
    buffer = io.BytesIO()
    _code(booking, 8).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(booking):
    """Inline SVG markup (no script, no style attribute): safe under the site's CSP."""
    image = _code(booking, 10).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
