/// The stylesheet and script, served by the console itself so that the policy can forbid
/// everything inline and everything from elsewhere.
enum ConsoleAssets {
    /// Widths come from classes `w0`…`w100`: a style attribute would need `'unsafe-inline'`.
    static let stylesheet: String = {
        var css = """
            :root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;--green:#1a7f37;--amber:#bf8700;
            --red:#cf222e;--blue:#0969da;--grey:#818b98;--track:#eaeef2}
            *{box-sizing:border-box}
            body{margin:0;font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
            header{background:#0d1117;padding:12px 28px}
            header nav{display:flex;gap:18px;align-items:baseline;flex-wrap:wrap}
            header a{color:#c9d1d9;text-decoration:none}header a:hover{color:#fff;text-decoration:underline}
            header a.brand{color:#f0f6fc;font-weight:600;font-size:16px}
            header .store{color:#9198a1;margin-left:auto;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
            main{padding:12px 28px 24px;max-width:1280px}
            h1{font-size:20px;margin:8px 0 12px}h2{font-size:16px;margin:22px 0 8px}h3{font-size:14px;margin:14px 0 6px}
            .note{color:var(--muted);max-width:900px}
            .empty{color:var(--muted);font-style:italic}
            .mono,code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
            pre{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow:auto;max-height:520px}
            .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            .nowrap{white-space:nowrap}
            table{border-collapse:collapse;background:var(--card);border:1px solid var(--line);width:100%}
            th,td{padding:6px 10px;text-align:left;vertical-align:top}
            thead th{background:var(--bg);border-bottom:1px solid var(--line);font-size:12px;color:var(--muted)}
            tbody tr+tr td,tbody tr+tr th{border-top:1px solid var(--track)}
            td.message{color:var(--muted);max-width:440px;overflow-wrap:anywhere}
            .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap;background:var(--grey)}
            .badge.delivered{background:var(--green)}.badge.pending{background:var(--blue)}.badge.inflight{background:var(--grey)}
            .badge.parked{background:var(--red)}.badge.paused{background:var(--amber)}
            .cards{display:flex;gap:12px;flex-wrap:wrap}
            .card{background:var(--card);border:1px solid var(--line);border-top-width:4px;border-radius:6px;padding:8px 14px;min-width:140px}
            .card .count{font-size:24px;font-weight:600}.card.delivered{border-top-color:var(--green)}
            .card.pending{border-top-color:var(--blue)}.card.inflight{border-top-color:var(--grey)}.card.parked{border-top-color:var(--red)}
            .track{display:inline-block;width:160px;height:10px;background:var(--track);border-radius:3px;overflow:hidden;vertical-align:middle}
            .fill{display:block;height:100%}
            .fill.high,.fill.delivered{background:var(--green)}.fill.mid{background:var(--amber)}.fill.low,.fill.parked{background:var(--red)}
            .fill.pending{background:var(--blue)}
            .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:12px}
            article{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow:hidden}
            article table{border:0}article th,article td{padding:3px 6px;border:0}
            article .what{display:block;color:var(--muted);font-size:11.5px;font-weight:400}article .track{width:110px}
            form.inline{display:inline}
            form.filters{display:flex;gap:10px;flex-wrap:wrap;align-items:end;margin:0 0 12px}
            form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
            input,select{font:inherit;padding:3px 6px;border:1px solid var(--line);border-radius:4px}
            button{font:inherit;padding:4px 12px;border-radius:6px;border:1px solid var(--line);background:var(--card);cursor:pointer}
            button.primary{background:var(--blue);border-color:var(--blue);color:#fff}
            button.danger{background:var(--red);border-color:var(--red);color:#fff}
            .notice{padding:8px 12px;border-radius:6px;background:#ddf4ff;border:1px solid #54aeff;max-width:900px}
            .notice.bad{background:#ffebe9;border-color:#ff8182}
            .pager{margin:10px 0}
            dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px 14px}
            dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
            footer{color:var(--muted);font-size:12px;padding:12px 28px 24px}

            """
        for percent in 0...100 { css += ".w\(percent){width:\(percent)%}" }
        return css + "\n"
    }()

    /// The tab icon: a green tick on the header's dark square. Served here, since the policy
    /// allows images from the console only, and a browser asks for one on every page.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0d1117"/>\
        <path d="M4 8.5l2.5 2.5L12 5.5" stroke="#3fb950" stroke-width="2" fill="none"/></svg>

        """

    /// On an event page with `data-state-url` (a pending or in-flight event), asks for the
    /// event's state every second and reloads the page once it changed, so a replay is followed
    /// to delivered (or parked) without a manual reload. Nothing else.
    static let script = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          var node = document.querySelector("[data-state-url]");
          if (!node) { return; }
          var url = node.getAttribute("data-state-url");
          var shown = node.getAttribute("data-state");
          var tries = 0;
          function poll() {
            tries += 1;
            fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
              .then(function (response) { return response.ok ? response.json() : null; })
              .then(function (body) {
                if (body && body.state !== shown) { window.location.reload(); return; }
                if (tries < 600) { window.setTimeout(poll, 1000); }
              })
              .catch(function () { if (tries < 600) { window.setTimeout(poll, 2000); } });
          }
          window.setTimeout(poll, 1000);
        });

        """
}
