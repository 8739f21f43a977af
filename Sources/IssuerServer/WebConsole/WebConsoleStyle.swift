/// The console's one stylesheet, served as `/ui/console.css` (the CSP allows no inline styles).
enum WebConsoleStyle {
    static let css = """
    :root { color-scheme: light dark; --accent: #1f5fbf; --bad: #b3261e; --good: #1e7b34; }
    body { font: 15px/1.45 system-ui, sans-serif; margin: 0; }
    header { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .6rem 1.2rem; border-bottom: 1px solid #8884; }
    header .brand { font-weight: 600; text-decoration: none; }
    nav { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; flex: 1; }
    nav ul { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; margin: 0; padding: 0; flex: 1; }
    main { padding: 1rem 1.2rem 3rem; max-width: 80rem; }
    h1 { font-size: 1.5rem; margin: .4rem 0 1rem; }
    h2 { font-size: 1.15rem; margin-top: 1.8rem; }
    a { color: var(--accent); }
    a:focus, button:focus, input:focus { outline: 3px solid var(--accent); outline-offset: 2px; }
    table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
    th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #8883; vertical-align: top; }
    th { font-weight: 600; }
    code { font-size: .9em; word-break: break-all; }
    /* A role's name stays whole ("ops" once wrapped as "op s" in a narrow column); ARNs may break anywhere. */
    code.name { white-space: nowrap; }
    form.stacked { display: grid; gap: .35rem; max-width: 24rem; }
    form.stacked button { margin-top: .6rem; justify-self: start; }
    form.filters { display: flex; flex-wrap: wrap; align-items: end; gap: .4rem .8rem; }
    td.actions form { display: inline-block; margin: 0 .3rem .3rem 0; }
    input { font: inherit; padding: .3rem .4rem; }
    button { font: inherit; padding: .3rem .8rem; cursor: pointer; }
    .notice { border-left: 4px solid var(--good); padding: .4rem .8rem; }
    .error { border-left: 4px solid var(--bad); padding: .4rem .8rem; }
    .secret { font-size: 1.1rem; }
    figure.qr svg { width: 16rem; height: 16rem; background: #fff; }
    figure.chart svg { width: 100%; max-width: 60rem; height: auto; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    """
}
