/* Smarketing website snippet: page views with their UTM parameters, and form fills that turn a
 * visitor into a known contact. Embed it once per page:
 *   <script src="https://crm.example.com/st.js" data-key="WRITEKEY" async></script>
 * It talks only to the Smarketing server it was loaded from, and loads nothing else. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.smarketing) return; // embedded twice: the first copy does the work
  var key = script.getAttribute("data-key");
  if (!key) {
    if (window.console) console.warn('smarketing: add data-key="WRITEKEY" to the st.js script tag');
    return;
  }
  // Wherever Smarketing is served from, its tracking API sits beside this file.
  var endpoint = script.src.replace(/\/st\.js(?:[?#].*)?$/, "") + "/v1/batch";
  var COOKIE = "smk_aid";
  var YEAR = 365 * 24 * 3600;
  var LIBRARY = { name: "smarketing-st.js", version: "1" };

  // Form fields whose values become traits, by autocomplete token or by normalised name.
  var TRAITS = {
    email: "email", emailaddress: "email", workemail: "email", businessemail: "email",
    youremail: "email", mail: "email",
    givenname: "firstName", firstname: "firstName", fname: "firstName", forename: "firstName",
    familyname: "lastName", lastname: "lastName", lname: "lastName", surname: "lastName",
    name: "name", fullname: "name", yourname: "name",
    organization: "company", organisation: "company", company: "company",
    companyname: "company", org: "company",
    organizationtitle: "title", title: "title", jobtitle: "title", position: "title",
    tel: "phone", phone: "phone", phonenumber: "phone", telephone: "phone", mobile: "phone",
    mobilephone: "phone"
  };
  var SKIPPED_TYPES = { password: 1, hidden: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1 };

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // randomUUID needs a secure context; getRandomValues does not.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return [h.slice(0, 4), h.slice(4, 6), h.slice(6, 8), h.slice(8, 10), h.slice(10)]
      .map(function (part) { return part.join(""); }).join("-");
  }

  function readCookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function writeCookie(name, value, maxAge, domain) {
    document.cookie = name + "=" + encodeURIComponent(value) + "; path=/; max-age=" + maxAge +
      "; SameSite=Lax" + (domain ? "; domain=" + domain : "") +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  // The widest domain that takes a cookie (example.com for www.example.com), so every subdomain
  // of the site shares one visitor id; browsers refuse public suffixes such as co.uk.
  function cookieDomain() {
    var host = location.hostname;
    if (host.indexOf(".") < 0 || /^[\d.]+$/.test(host)) return "";
    var parts = host.split(".");
    for (var i = parts.length - 2; i >= 0; i--) {
      var domain = parts.slice(i).join(".");
      writeCookie("smk_probe", "1", 10, domain);
      if (readCookie("smk_probe") === "1") {
        writeCookie("smk_probe", "", 0, domain);
        return domain;
      }
    }
    return "";
  }

  var domain = cookieDomain();
  var anonymousId = readCookie(COOKIE) || uuid();
  writeCookie(COOKIE, anonymousId, YEAR, domain); // each visit renews the year

  // utm_source=x&utm_campaign=y → {source: "x", name: "y"}, as Segment's analytics.js reads them.
  function campaign() {
    var found = null;
    new URLSearchParams(location.search).forEach(function (value, name) {
      if (name.slice(0, 4) !== "utm_" || name.length === 4) return;
      var field = name.slice(4) === "campaign" ? "name" : name.slice(4);
      found = found || {};
      found[field] = value;
    });
    return found;
  }

  function pageFacts() {
    return {
      path: location.pathname,
      referrer: document.referrer,
      search: location.search,
      title: document.title,
      url: location.href.split("#")[0]
    };
  }

  function message(type, fields) {
    var context = {
      page: pageFacts(),
      library: LIBRARY,
      userAgent: navigator.userAgent,
      locale: navigator.language
    };
    var utm = campaign();
    if (utm) context.campaign = utm;
    var now = new Date().toISOString();
    var m = {
      type: type,
      messageId: uuid(),
      anonymousId: anonymousId,
      timestamp: now,
      context: context
    };
    for (var k in fields) m[k] = fields[k];
    return m;
  }

  // One POST of a batch. A text/plain body with the key inside is a "simple" cross-origin request:
  // no preflight, and a beacon outlives the page when a form submit navigates away.
  function send(messages) {
    var body = JSON.stringify({ batch: messages, writeKey: key, sentAt: new Date().toISOString() });
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(endpoint, body)) return;
    } catch (e) { /* fall through to fetch */ }
    if (!window.fetch) return;
    fetch(endpoint, {
      method: "POST",
      body: body,
      keepalive: true,
      mode: "no-cors",
      credentials: "omit",
      headers: { "Content-Type": "text/plain" }
    }).catch(function () { /* tracking never breaks the page */ });
  }

  function copy(object) {
    var result = {};
    for (var k in object || {}) if (Object.prototype.hasOwnProperty.call(object, k)) result[k] = object[k];
    return result;
  }

  function traitOf(field) {
    if (field.type === "email") return "email";
    var auto = (field.getAttribute("autocomplete") || "").split(/\s+/).pop();
    var raw = field.getAttribute("name") || field.id || "";
    raw = raw.replace(/^.*\[([^\]]*)\]$/, "$1"); // contact[email] → email
    return lookup(auto.replace(/[^a-z]/g, "")) || lookup(raw.toLowerCase().replace(/[^a-z]/g, ""));
  }

  function lookup(word) {
    return Object.prototype.hasOwnProperty.call(TRAITS, word) ? TRAITS[word] : "";
  }

  function formTraits(form) {
    var traits = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name && !field.id) return;
      if (SKIPPED_TYPES[field.type] || field.disabled || field.tagName === "BUTTON") return;
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
      var trait = traitOf(field);
      var value = String(field.value || "").trim();
      if (trait && value && !traits[trait]) traits[trait] = value;
    });
    if (traits.company) traits.company = { name: traits.company };
    return traits;
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute("data-smarketing-ignore")) return;
    var traits = formTraits(form);
    if (!traits.email) return;
    // getAttribute: form.id or form.action would be a field if one were named "id" or "action".
    var properties = {
      form_id: form.getAttribute("id") || "",
      form_name: form.getAttribute("name") || "",
      action: new URL(form.getAttribute("action") || "", location.href).href
    };
    send([
      message("identify", { traits: traits }),
      message("track", { event: "Form Submitted", properties: properties })
    ]);
  }

  function page(name, properties) {
    var fields = { properties: copy(properties) };
    var facts = pageFacts();
    for (var k in facts) if (!(k in fields.properties)) fields.properties[k] = facts[k];
    if (name) fields.name = String(name);
    send([message("page", fields)]);
  }

  window.smarketing = {
    page: page,
    track: function (event, properties) {
      send([message("track", { event: String(event), properties: copy(properties) })]);
    },
    identify: function (email, traits) {
      var all = copy(traits);
      if (email) all.email = String(email);
      send([message("identify", { traits: all })]);
    },
    anonymousId: function () { return anonymousId; }
  };

  // Capture phase: seen even when the site's own handler stops the event.
  document.addEventListener("submit", onSubmit, true);
  page();
})();
