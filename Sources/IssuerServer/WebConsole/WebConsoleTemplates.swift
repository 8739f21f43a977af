import Mustache

/// The console's pages, compiled into the binary (nothing to deploy beside it). Every `{{value}}`
/// is HTML-escaped by the template engine (with `ScalarHTMLEscaping`); no template uses the
/// unescaped `{{{ }}}` form except for SVG the server drew itself (`chart`, `qr`), which holds no
/// text from a request.
enum WebConsoleTemplates {
    static let library: MustacheLibrary = {
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: ScalarHTMLEscaping.name)
        var library = MustacheLibrary()
        for (name, text) in all {
            // The templates are constants: one that does not parse is a programming error.
            try! library.register("{{% CONTENT_TYPE: \(ScalarHTMLEscaping.name)}}" + text, named: name)
        }
        return library
    }()

    static let all: [(String, String)] = [
        ("layout", layout), ("login", login), ("password", password), ("me", me), ("device-new", deviceNew),
        ("device-qr", deviceQR), ("summary", summary), ("audit", audit), ("users", users), ("reset-done", resetDone),
        ("roles", roles), ("certificates", certificates), ("message", message),
    ]

    static let layout = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · rolecall issuer</title>
    <link rel="stylesheet" href="/ui/console.css">
    </head>
    <body>
    <header>
    <a class="brand" href="/ui/me">rolecall issuer</a>
    {{#nav}}
    <nav aria-label="Main">
    <ul>
    {{#admin}}<li><a href="/ui/">Summary</a></li><li><a href="/ui/audit">Audit</a></li><li><a href="/ui/users">Users</a></li><li><a href="/ui/roles">Roles</a></li><li><a href="/ui/certificates">Certificates</a></li>{{/admin}}
    <li><a href="/ui/me">Me ({{user}})</a></li>
    </ul>
    <form method="post" action="/ui/logout"><input type="hidden" name="csrf_token" value="{{csrf}}"><button type="submit">Sign out</button></form>
    </nav>
    {{/nav}}
    </header>
    <main>
    <h1>{{title}}</h1>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
    {{$content}}{{/content}}
    </main>
    </body>
    </html>
    """

    static let login = """
    {{<layout}}{{$content}}
    <form method="post" action="/ui/login" class="stacked">
    <input type="hidden" name="csrf_token" value="{{csrf}}">
    <label for="user">User name</label>
    <input id="user" name="user" autocomplete="username" required value="{{userName}}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <label for="code">Code from your authenticator app</label>
    <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required>
    <button type="submit">Sign in</button>
    </form>
    {{/content}}{{/layout}}
    """

    static let password = """
    {{<layout}}{{$content}}
    {{#oneTime}}<p>You signed in with a one-time password from your administrator. Choose your own password to go on.</p>{{/oneTime}}
    <form method="post" action="/ui/password" class="stacked">
    <input type="hidden" name="csrf_token" value="{{csrf}}">
    <input type="text" autocomplete="username" value="{{account}}" readonly hidden>
    {{^oneTime}}
    <label for="password">Current password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    {{/oneTime}}
    <label for="new_password">New password</label>
    <input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="12" required>
    <label for="new_password_again">New password again</label>
    <input id="new_password_again" name="new_password_again" type="password" autocomplete="new-password" minlength="12" required>
    {{^oneTime}}
    <label for="code">Code from your authenticator app</label>
    <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required>
    {{/oneTime}}
    <button type="submit">Change password</button>
    </form>
    {{/content}}{{/layout}}
    """

    static let me = """
    {{<layout}}{{$content}}
    <section aria-labelledby="roles-heading">
    <h2 id="roles-heading">Your roles</h2>
    {{#hasRoles}}
    <table>
    <thead><tr><th scope="col">Role</th><th scope="col">MFA</th><th scope="col">Longest session</th><th scope="col">Region</th></tr></thead>
    <tbody>
    {{#roles}}<tr><td><code>{{roleArn}}</code></td><td>{{mfa}}</td><td>{{maxDuration}}</td><td>{{region}}</td></tr>{{/roles}}
    </tbody>
    </table>
    {{/hasRoles}}
    {{^hasRoles}}<p>No roles yet: ask an administrator (<code>rolecall-issuer role allow</code>).</p>{{/hasRoles}}
    </section>
    <section aria-labelledby="certificates-heading">
    <h2 id="certificates-heading">Your certificates still valid</h2>
    {{#hasCertificates}}
    <table>
    <thead><tr><th scope="col">Issued</th><th scope="col">Role</th><th scope="col">Kind</th><th scope="col">Until</th><th scope="col">From</th></tr></thead>
    <tbody>
    {{#certificates}}<tr><td>{{issued}}</td><td><code>{{roleArn}}</code></td><td>{{kind}}</td><td>{{until}}</td><td>{{client}}</td></tr>{{/certificates}}
    </tbody>
    </table>
    {{/hasCertificates}}
    {{^hasCertificates}}<p>None.</p>{{/hasCertificates}}
    </section>
    <section aria-labelledby="devices-heading">
    <h2 id="devices-heading">Your TOTP devices</h2>
    <table>
    <thead><tr><th scope="col">Device</th><th scope="col">Added</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>
    {{#devices}}<tr><td>{{name}}</td><td>{{added}}</td><td>{{state}}</td><td>{{#removable}}<form method="post" action="/ui/devices/remove"><input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="device" value="{{name}}">{{#needsCode}}<label for="remove-code-{{name}}">Code from a device</label> <input id="remove-code-{{name}}" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" size="6" required> {{/needsCode}}<button type="submit">Remove {{name}}</button></form>{{/removable}}</td></tr>{{/devices}}
    </tbody>
    </table>
    <p><a href="/ui/devices/new">Enrol another device</a> · <a href="/ui/password">Change your password</a></p>
    </section>
    {{/content}}{{/layout}}
    """

    static let deviceNew = """
    {{<layout}}{{$content}}
    <form method="post" action="/ui/devices/new" class="stacked">
    <input type="hidden" name="csrf_token" value="{{csrf}}">
    <label for="device">Name for the new device</label>
    <input id="device" name="device" required pattern="[A-Za-z0-9._@\\-]{1,64}" value="phone-2">
    {{#needsCode}}
    <label for="code">Code from a device you have already enrolled</label>
    <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required>
    {{/needsCode}}
    <button type="submit">Show the new device's QR code</button>
    </form>
    {{/content}}{{/layout}}
    """

    static let deviceQR = """
    {{<layout}}{{$content}}
    {{#qr}}
    <p>Scan this code with your authenticator app. It is shown only now. The device counts once you enter a code from it below.</p>
    <figure class="qr">{{{qr}}}<figcaption>TOTP enrolment for {{device}}</figcaption></figure>
    <details><summary>Can't scan? The key as text</summary><p><code class="secret">{{uri}}</code></p></details>
    {{/qr}}
    <form method="post" action="/ui/devices/confirm" class="stacked">
    <input type="hidden" name="csrf_token" value="{{csrf}}">
    <input type="hidden" name="device" value="{{device}}">
    <label for="code">Code from the new device</label>
    <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required>
    <button type="submit">Confirm the device</button>
    </form>
    {{/content}}{{/layout}}
    """

    static let summary = """
    {{<layout}}{{$content}}
    <section aria-labelledby="chart-heading">
    <h2 id="chart-heading">The last 24 hours</h2>
    <figure class="chart">{{{chart}}}<figcaption>Certificates issued ({{issuedTotal}}) and requests refused ({{refusedTotal}}) per hour, in UTC.</figcaption></figure>
    </section>
    <section aria-labelledby="reasons-heading">
    <h2 id="reasons-heading">Refusals by reason</h2>
    {{#hasReasons}}
    <table>
    <thead><tr><th scope="col">Reason</th><th scope="col">Count</th></tr></thead>
    <tbody>{{#reasons}}<tr><td><a href="/ui/audit?result={{reason}}">{{reason}}</a></td><td>{{count}}</td></tr>{{/reasons}}</tbody>
    </table>
    {{/hasReasons}}
    {{^hasReasons}}<p>No refusals.</p>{{/hasReasons}}
    </section>
    {{/content}}{{/layout}}
    """

    static let audit = """
    {{<layout}}{{$content}}
    <form method="get" action="/ui/audit" class="filters">
    <label for="f-user">User</label><input id="f-user" name="user" value="{{filter.user}}">
    <label for="f-event">Event</label><input id="f-event" name="event" value="{{filter.event}}">
    <label for="f-result">Result</label><input id="f-result" name="result" value="{{filter.result}}">
    <label for="f-from">From (UTC)</label><input id="f-from" name="from" type="datetime-local" value="{{filter.from}}">
    <label for="f-to">To (UTC)</label><input id="f-to" name="to" type="datetime-local" value="{{filter.to}}">
    <button type="submit">Filter</button>
    </form>
    <p>Download these rows and all older ones that match (at most 100,000): <a href="/ui/audit.csv?{{download}}">CSV</a> · <a href="/ui/audit.jsonl?{{download}}">JSON lines</a></p>
    <table>
    <thead><tr><th scope="col">#</th><th scope="col">Time (UTC)</th><th scope="col">Event</th><th scope="col">User</th><th scope="col">Role</th><th scope="col">Kind</th><th scope="col">Result</th><th scope="col">Count</th><th scope="col">By</th><th scope="col">From</th></tr></thead>
    <tbody>
    {{#rows}}<tr><td>{{id}}</td><td>{{time}}</td><td>{{event}}</td><td>{{user}}</td><td><code>{{roleArn}}</code></td><td>{{kind}}</td><td>{{result}}</td><td>{{count}}</td><td>{{actor}}</td><td>{{client}}</td></tr>{{/rows}}
    </tbody>
    </table>
    {{^rows}}<p>No rows match.</p>{{/rows}}
    {{#next}}<p><a href="/ui/audit?{{next}}" rel="next">Older rows</a></p>{{/next}}
    {{/content}}{{/layout}}
    """

    static let users = """
    {{<layout}}{{$content}}
    <table>
    <thead><tr><th scope="col">User</th><th scope="col">State</th><th scope="col">Locked until</th><th scope="col">Failed attempts</th><th scope="col">Last login</th><th scope="col">Roles</th><th scope="col">Actions</th></tr></thead>
    <tbody>
    {{#rows}}<tr>
    <td>{{name}}{{#admin}} (administrator){{/admin}}</td>
    <td>{{state}}</td>
    <td>{{lockedUntil}}</td>
    <td>{{failures}}</td>
    <td>{{lastLogin}}</td>
    <td>{{#roles}}<code class="name">{{.}}</code> {{/roles}}</td>
    <td class="actions">
    {{#disabled}}<form method="post" action="/ui/users/enable"><input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="user" value="{{name}}"><button type="submit">Enable {{name}}</button></form>{{/disabled}}
    {{^disabled}}<form method="post" action="/ui/users/disable"><input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="user" value="{{name}}"><button type="submit">Disable {{name}}</button></form>{{/disabled}}
    {{#locked}}<form method="post" action="/ui/users/unlock"><input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="user" value="{{name}}"><button type="submit">Lift lockout of {{name}}</button></form>{{/locked}}
    <form method="post" action="/ui/users/reset"><input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="user" value="{{name}}"><label><input type="checkbox" name="new_device" value="on"> and a new device;</label> <label for="reset-code-{{name}}">your code:</label> <input id="reset-code-{{name}}" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" size="6" required> <button type="submit">Reset {{name}}</button></form>
    </td>
    </tr>{{/rows}}
    </tbody>
    </table>
    <p>Add and remove users, and make administrators, with <code>rolecall-issuer user</code>.</p>
    {{/content}}{{/layout}}
    """

    static let resetDone = """
    {{<layout}}{{$content}}
    <p>Give {{user}} this one-time password over a trusted channel. It is shown only now; their next sign-in replaces it.</p>
    <p><code class="secret">{{password}}</code></p>
    {{#uri}}
    <p>Their devices were replaced by this one. Let them scan it (shown only now):</p>
    {{#qr}}<figure class="qr">{{{qr}}}<figcaption>TOTP enrolment for {{user}}</figcaption></figure>{{/qr}}
    <details><summary>Can't scan? The key as text</summary><p><code class="secret">{{uri}}</code></p></details>
    {{/uri}}
    <p><a href="/ui/users">Back to the users</a></p>
    {{/content}}{{/layout}}
    """

    static let roles = """
    {{<layout}}{{$content}}
    {{#roles}}
    <section>
    <h2><code>{{roleArn}}</code></h2>
    <table>
    <thead><tr><th scope="col">User</th><th scope="col">MFA</th><th scope="col">Longest session</th><th scope="col">Region</th><th scope="col">Profile</th><th scope="col">Granted</th></tr></thead>
    <tbody>{{#grants}}<tr><td>{{user}}</td><td>{{mfa}}</td><td>{{maxDuration}}</td><td>{{region}}</td><td><code>{{profileArn}}</code></td><td>{{granted}}</td></tr>{{/grants}}</tbody>
    </table>
    </section>
    {{/roles}}
    {{^roles}}<p>No grants yet: <code>rolecall-issuer role allow</code>.</p>{{/roles}}
    {{/content}}{{/layout}}
    """

    static let certificates = """
    {{<layout}}{{$content}}
    <p>Certificates issued in the last 12 hours that are still valid.</p>
    <table>
    <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Kind</th><th scope="col">Until (UTC)</th><th scope="col">Client address</th><th scope="col">Serial</th></tr></thead>
    <tbody>{{#rows}}<tr><td>{{user}}</td><td><code>{{roleArn}}</code></td><td>{{kind}}</td><td>{{until}}</td><td>{{client}}</td><td><code>{{serial}}</code></td></tr>{{/rows}}</tbody>
    </table>
    {{^rows}}<p>None.</p>{{/rows}}
    {{/content}}{{/layout}}
    """

    static let message = """
    {{<layout}}{{$content}}
    {{#link}}<p><a href="{{href}}">{{text}}</a></p>{{/link}}
    {{/content}}{{/layout}}
    """
}

/// HTML escaping by Unicode scalar. The engine's own escapes by `Character`, and a `"` followed by a
/// combining mark is one `Character` that is not `"`: it would end an attribute unescaped.
struct ScalarHTMLEscaping: MustacheContentType {
    static let name = "ROLECALL_HTML"

    func escapeText(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
