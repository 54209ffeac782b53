//! The part of wasm-streams' API that server_fn's browser client calls, without the real
//! crate's exported classes (see Cargo.toml). A stream read from the browser is read for
//! real; a stream made from Rust, which only a streaming server function's request would
//! send, is refused: Contrail has no server.

use futures_util::stream::{self, Stream};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A browser `ReadableStream`.
pub struct ReadableStream {
    raw: web_sys::ReadableStream,
}

impl ReadableStream {
    /// Wraps a browser stream.
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        Self { raw }
    }

    /// A stream that fails at once: sending a Rust stream to the browser needs the exported
    /// classes this stand-in leaves out.
    pub fn from_stream<St>(_stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        let source = js_sys::Object::new();
        let fail = wasm_bindgen::closure::Closure::once_into_js(
            |controller: web_sys::ReadableStreamDefaultController| {
                controller.error_with_e(&JsValue::from_str(
                    "streaming requests are not supported in this build",
                ));
            },
        );
        let _ = js_sys::Reflect::set(&source, &JsValue::from_str("start"), &fail);
        let raw = web_sys::ReadableStream::new_with_underlying_source(&source)
            .unwrap_or_else(|_| web_sys::ReadableStream::new().expect("a ReadableStream"));
        Self { raw }
    }

    /// The browser stream.
    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.raw
    }

    /// The stream's chunks, read one at a time, ending when the stream closes or after
    /// the first error.
    pub fn into_stream(self) -> impl Stream<Item = Result<JsValue, JsValue>> {
        let reader = self
            .raw
            .get_reader()
            .dyn_into::<web_sys::ReadableStreamDefaultReader>()
            .ok();
        stream::unfold(reader, |reader| async move {
            let reader = reader?;
            match JsFuture::from(reader.read()).await {
                Ok(result) => {
                    let result: web_sys::ReadableStreamReadResult = result.unchecked_into();
                    if result.get_done().unwrap_or(true) {
                        None
                    } else {
                        Some((Ok(result.get_value()), Some(reader)))
                    }
                }
                Err(error) => Some((Err(error), None)),
            }
        })
    }
}
