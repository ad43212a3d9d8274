import NIOCore

/// pim's hand-written stylesheet, served at `/static/pim.css`. System fonts only, no external assets,
/// readable in right-to-left scripts, visible focus, print-friendly.
enum Stylesheet {
    static let css = """
        :root { --ink: #1d2733; --muted: #5b6673; --line: #d5dbe1; --bg: #f7f8fa; --accent: #0b5cab; --warn: #9c2b12; --bar: #2f6f9f; }
        * { box-sizing: border-box; }
        html { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif; color: var(--ink); background: var(--bg); }
        body { margin: 0; }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus, [tabindex]:focus { outline: 3px solid #f2b705; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 2; }
        header.site { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .6rem 1.2rem; background: #fff; border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; font-size: 1.3rem; text-decoration: none; color: var(--ink); }
        header nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
        .signout { margin-inline-start: auto; display: flex; align-items: center; gap: .6rem; }
        .role { color: var(--muted); font-size: .85rem; }
        main { max-width: 78rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
        footer.site { color: var(--muted); font-size: .85rem; text-align: center; padding: 1rem; }
        h1 { font-size: 1.7rem; margin: .6rem 0; }
        h2 { font-size: 1.25rem; margin-top: 1.6rem; }
        .lede { font-size: 1.05rem; color: var(--muted); }
        .muted { color: var(--muted); }
        .crumbs { margin: 0; font-size: .9rem; }
        .alert { border-inline-start: 4px solid var(--warn); background: #fff1ed; padding: .5rem .8rem; }
        .ok { border-inline-start: 4px solid #2e7d32; background: #eef7ee; padding: .5rem .8rem; }
        .status-current, .status-covered { color: #1b5e20; }
        .status-stale, .status-partial { color: #7a4f00; }
        .status-gap { color: #a12a0b; font-weight: 600; }
        tr.stale td { background: #fff8e6; }
        .badge { font-size: .75rem; font-weight: 600; padding: .05rem .4rem; border-radius: .6rem; background: #e3ecf7; color: #17406d; }
        #framework-search { margin: .6rem 0 1rem; } #framework-search input { min-width: 20rem; }
        .note { color: var(--muted); font-size: .9rem; }
        table { border-collapse: collapse; background: #fff; margin: .5rem 0 1rem; min-width: 50%; }
        caption { text-align: start; font-weight: 600; padding: .3rem 0; }
        th, td { border: 1px solid var(--line); padding: .3rem .55rem; text-align: start; vertical-align: top; }
        thead th { background: #eef1f4; }
        .num { text-align: end; font-variant-numeric: tabular-nums; }
        .scroll { overflow-x: auto; max-width: 100%; }
        .matrix td { min-width: 14rem; font-size: .88rem; }
        .matrix ul { margin: 0; padding-inline-start: 1rem; }
        .tag { font-size: .8rem; padding: .05rem .4rem; border-radius: .6rem; background: #eef1f4; white-space: nowrap; }
        .tag-direct-identifier { background: #fbe0d8; }
        .tag-quasi-identifier { background: #fff0c2; }
        .tag-sensitive { background: #f3defa; }
        .login { max-width: 22rem; background: #fff; padding: 1rem 1.2rem; border: 1px solid var(--line); }
        .login label { display: block; font-weight: 600; }
        .login input { width: 100%; padding: .45rem; font-size: 1rem; }
        button { font: inherit; padding: .35rem .9rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
        .signout button { background: #fff; color: var(--accent); }
        figure.chart { margin: 1rem 0; background: #fff; border: 1px solid var(--line); padding: .6rem; max-width: 46rem; }
        figure.chart svg { width: 100%; height: auto; }
        .chart .bar { fill: var(--bar); }
        .chart .label, .chart .value { font-size: 12px; fill: var(--ink); }
        .chart .suppressed { fill: var(--muted); font-style: italic; }
        .pager { display: flex; gap: 1rem; align-items: center; }
        .chart .bar.left { fill: #b5577a; }
        .chart .column { fill: #9cc3e0; }
        .chart .trend { stroke: var(--bar); fill: none; }
        .chart .point { fill: var(--bar); }
        select:focus { outline: 3px solid #f2b705; outline-offset: 2px; }
        fieldset { border: 1px solid var(--line); background: #fff; margin: .8rem 0; padding: .4rem .9rem; }
        fieldset label { margin-inline-end: 1rem; white-space: nowrap; }
        #upload-form label, #anonymize-form p > label { display: block; font-weight: 600; }
        input, select { font: inherit; padding: .25rem .4rem; }
        progress { width: 100%; max-width: 30rem; height: 1.2rem; }
        code { font-size: .85rem; }
        .nowrap { white-space: nowrap; }
        .audit td { font-size: .9rem; }
        .audit .details { overflow-wrap: anywhere; max-width: 30rem; }
        .actions form { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem; margin: 0 0 .4rem; }
        .actions label { font-size: .85rem; color: var(--muted); }
        select, input { font: inherit; padding: .25rem .35rem; }
        #user-form label, #organization-form label, #token-form label { display: inline-block; min-width: 16rem; font-weight: 600; }
        #new-token input { font-family: ui-monospace, monospace; width: 100%; max-width: 44rem; }
        ul.compact { margin: .2rem 0 .8rem; font-size: .9rem; }
        .stacked label { display: inline-block; min-width: 16rem; font-weight: 600; }
        .stacked input, .stacked select { padding: .3rem; font: inherit; }
        .hint { color: var(--muted); font-size: .85rem; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
        .facts dt { font-weight: 600; }
        .facts dd { margin: 0; }
        .filters { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: end; }
        .filters p { margin: .3rem 0; }
        .filters label { display: block; font-size: .85rem; font-weight: 600; }
        .status-active, .outcome-shared { background: #dcefdc; }
        .status-revoked, .status-expired, .outcome-refused { background: #fbe0d8; }
        .status-suspended, .status-draft { background: #fff0c2; }
        @media print { header.site nav, .signout, .pager { display: none; } body { background: #fff; } }
        """

    /// The stylesheet's bytes, built once.
    static let bytes = ByteBuffer(string: css)

    /// A strong validator of the stylesheet's contents (64-bit FNV-1a of its UTF-8 bytes).
    static let etag: String = {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in css.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return "\"" + String(h, radix: 16) + "\""
    }()
}
