/* The desk's manifest page: print, and check visitors in by their ticket's QR code.
 *
 * The form works without this file: a hand-held or phone scanner types the ticket's code into
 * the field and presses Enter. Where the browser can read QR codes (BarcodeDetector) and has
 * a camera, "Scan with the camera" reads a code from the camera and submits the same form.
 */
(function () {
  "use strict";

  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.addEventListener("click", function () {
      window.print();
    });
  }

  var form = document.querySelector("[data-scan-form]");
  if (!form) {
    return;
  }
  var input = form.querySelector("input[name=code]");
  var cameraButton = form.querySelector("[data-scan-camera]");
  var video = document.querySelector("[data-scan-video]");
  var unsupported = document.querySelector("[data-scan-unsupported]");
  var canScan =
    "BarcodeDetector" in window &&
    navigator.mediaDevices &&
    typeof navigator.mediaDevices.getUserMedia === "function";

  // The button is always in the page; shown where the camera can be used, and otherwise a
  // note says to use a scanner or type the code.
  cameraButton.hidden = false;

  function stop(stream) {
    stream.getTracks().forEach(function (track) {
      track.stop();
    });
    video.hidden = true;
  }

  function scanFrom(stream, detector) {
    var done = false;
    function tick() {
      if (done) {
        return;
      }
      detector
        .detect(video)
        .then(function (codes) {
          if (codes.length && codes[0].rawValue) {
            done = true;
            stop(stream);
            input.value = codes[0].rawValue;
            form.submit();
            return;
          }
          window.requestAnimationFrame(tick);
        })
        .catch(function () {
          window.requestAnimationFrame(tick);
        });
    }
    tick();
  }

  cameraButton.addEventListener("click", function () {
    if (!canScan) {
      unsupported.hidden = false;
      input.focus();
      return;
    }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play().then(function () {
          scanFrom(stream, detector);
        });
      })
      .catch(function () {
        unsupported.hidden = false;
        input.focus();
      });
  });
})();
