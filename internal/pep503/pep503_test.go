package pep503

import "testing"

// nameCases was generated with packaging 26.3 from real OpenStack
// upper-constraints names plus edge cases:
//
//	(n, canonicalize_name(n), valid, is_normalized_name(n)) where valid means
//	canonicalize_name(n, validate=True) did not raise InvalidName
var nameCases = []struct {
	name       string
	normalized string
	valid      bool
	isNorm     bool
}{
	{"APScheduler", "apscheduler", true, false},
	{"Babel", "babel", true, false},
	{"CouchDB", "couchdb", true, false},
	{"DateTimeRange", "datetimerange", true, false},
	{"Deprecated", "deprecated", true, false},
	{"Django", "django", true, false},
	{"Flask", "flask", true, false},
	{"Flask-RESTful", "flask-restful", true, false},
	{"GitPython", "gitpython", true, false},
	{"Jinja2", "jinja2", true, false},
	{"Logbook", "logbook", true, false},
	{"Mako", "mako", true, false},
	{"MarkupSafe", "markupsafe", true, false},
	{"Paste", "paste", true, false},
	{"PasteDeploy", "pastedeploy", true, false},
	{"Pillow", "pillow", true, false},
	{"Pint", "pint", true, false},
	{"PyJWT", "pyjwt", true, false},
	{"PyKMIP", "pykmip", true, false},
	{"PyMySQL", "pymysql", true, false},
	{"PyNaCl", "pynacl", true, false},
	{"PyYAML", "pyyaml", true, false},
	{"Pygments", "pygments", true, false},
	{"Routes", "routes", true, false},
	{"SQLAlchemy", "sqlalchemy", true, false},
	{"SQLAlchemy-Utils", "sqlalchemy-utils", true, false},
	{"SecretStorage", "secretstorage", true, false},
	{"Sphinx", "sphinx", true, false},
	{"Tempita", "tempita", true, false},
	{"URLObject", "urlobject", true, false},
	{"WSME", "wsme", true, false},
	{"WebOb", "webob", true, false},
	{"WebTest", "webtest", true, false},
	{"Werkzeug", "werkzeug", true, false},
	{"XStatic", "xstatic", true, false},
	{"XStatic-Angular", "xstatic-angular", true, false},
	{"XStatic-Angular-Bootstrap", "xstatic-angular-bootstrap", true, false},
	{"XStatic-Angular-FileUpload", "xstatic-angular-fileupload", true, false},
	{"XStatic-Angular-Gettext", "xstatic-angular-gettext", true, false},
	{"XStatic-Angular-Schema-Form", "xstatic-angular-schema-form", true, false},
	{"XStatic-Angular-UUID", "xstatic-angular-uuid", true, false},
	{"XStatic-Angular-Vis", "xstatic-angular-vis", true, false},
	{"XStatic-Angular-lrdragndrop", "xstatic-angular-lrdragndrop", true, false},
	{"XStatic-Bootstrap-Datepicker", "xstatic-bootstrap-datepicker", true, false},
	{"XStatic-Bootstrap-SCSS", "xstatic-bootstrap-scss", true, false},
	{"XStatic-D3", "xstatic-d3", true, false},
	{"XStatic-Dagre", "xstatic-dagre", true, false},
	{"XStatic-Dagre-D3", "xstatic-dagre-d3", true, false},
	{"XStatic-FileSaver", "xstatic-filesaver", true, false},
	{"XStatic-Font-Awesome", "xstatic-font-awesome", true, false},
	{"XStatic-Graphlib", "xstatic-graphlib", true, false},
	{"XStatic-Hogan", "xstatic-hogan", true, false},
	{"XStatic-JQuery-Migrate", "xstatic-jquery-migrate", true, false},
	{"XStatic-JQuery.TableSorter", "xstatic-jquery-tablesorter", true, false},
	{"XStatic-JQuery.quicksearch", "xstatic-jquery-quicksearch", true, false},
	{"XStatic-JS-Yaml", "xstatic-js-yaml", true, false},
	{"XStatic-JSEncrypt", "xstatic-jsencrypt", true, false},
	{"XStatic-Jasmine", "xstatic-jasmine", true, false},
	{"XStatic-Json2yaml", "xstatic-json2yaml", true, false},
	{"XStatic-Moment-Timezone", "xstatic-moment-timezone", true, false},
	{"XStatic-Rickshaw", "xstatic-rickshaw", true, false},
	{"XStatic-Spin", "xstatic-spin", true, false},
	{"XStatic-bootswatch", "xstatic-bootswatch", true, false},
	{"XStatic-jQuery", "xstatic-jquery", true, false},
	{"XStatic-jquery-ui", "xstatic-jquery-ui", true, false},
	{"XStatic-lodash", "xstatic-lodash", true, false},
	{"XStatic-mdi", "xstatic-mdi", true, false},
	{"XStatic-moment", "xstatic-moment", true, false},
	{"XStatic-objectpath", "xstatic-objectpath", true, false},
	{"XStatic-roboto-fontface", "xstatic-roboto-fontface", true, false},
	{"XStatic-smart-table", "xstatic-smart-table", true, false},
	{"XStatic-term.js", "xstatic-term-js", true, false},
	{"XStatic-tv4", "xstatic-tv4", true, false},
	{"XenAPI", "xenapi", true, false},
	{"backports.zoneinfo", "backports-zoneinfo", true, false},
	{"dogpile.cache", "dogpile-cache", true, false},
	{"infi.dtypes.iqn", "infi-dtypes-iqn", true, false},
	{"infi.dtypes.nqn", "infi-dtypes-nqn", true, false},
	{"infi.dtypes.wwn", "infi-dtypes-wwn", true, false},
	{"jaraco.classes", "jaraco-classes", true, false},
	{"ntc_templates", "ntc-templates", true, false},
	{"openstack.nose-plugin", "openstack-nose-plugin", true, false},
	{"oslo.cache", "oslo-cache", true, false},
	{"oslo.concurrency", "oslo-concurrency", true, false},
	{"oslo.config", "oslo-config", true, false},
	{"oslo.context", "oslo-context", true, false},
	{"oslo.db", "oslo-db", true, false},
	{"oslo.i18n", "oslo-i18n", true, false},
	{"oslo.limit", "oslo-limit", true, false},
	{"oslo.log", "oslo-log", true, false},
	{"oslo.messaging", "oslo-messaging", true, false},
	{"oslo.metrics", "oslo-metrics", true, false},
	{"oslo.middleware", "oslo-middleware", true, false},
	{"oslo.policy", "oslo-policy", true, false},
	{"oslo.privsep", "oslo-privsep", true, false},
	{"oslo.reports", "oslo-reports", true, false},
	{"oslo.rootwrap", "oslo-rootwrap", true, false},
	{"oslo.serialization", "oslo-serialization", true, false},
	{"oslo.service", "oslo-service", true, false},
	{"oslo.upgradecheck", "oslo-upgradecheck", true, false},
	{"oslo.utils", "oslo-utils", true, false},
	{"oslo.versionedobjects", "oslo-versionedobjects", true, false},
	{"oslo.vmware", "oslo-vmware", true, false},
	{"pkgutil_resolve_name", "pkgutil-resolve-name", true, false},
	{"prometheus_client", "prometheus-client", true, false},
	{"pyOpenSSL", "pyopenssl", true, false},
	{"pyScss", "pyscss", true, false},
	{"repoze.lru", "repoze-lru", true, false},
	{"ruamel.yaml", "ruamel-yaml", true, false},
	{"ruamel.yaml.clib", "ruamel-yaml-clib", true, false},
	{"sphinxcontrib.datatemplates", "sphinxcontrib-datatemplates", true, false},
	{"storpool.spopenstack", "storpool-spopenstack", true, false},
	{"types-PyYAML", "types-pyyaml", true, false},
	{"typing_extensions", "typing-extensions", true, false},
	{"zVMCloudConnector", "zvmcloudconnector", true, false},
	{"python-masakariclient", "python-masakariclient", true, true},
	{"keystoneauth1", "keystoneauth1", true, true},
	{"six", "six", true, true},
	{"cotyledon", "cotyledon", true, true},
	{"doc8", "doc8", true, true},
	{"freezegun", "freezegun", true, true},
	{"requests-oauthlib", "requests-oauthlib", true, true},
	{"deprecation", "deprecation", true, true},
	{"opentelemetry-semantic-conventions", "opentelemetry-semantic-conventions", true, true},
	{"charset-normalizer", "charset-normalizer", true, true},
	{"exceptiongroup", "exceptiongroup", true, true},
	{"systemd-python", "systemd-python", true, true},
	{"sphinxcontrib-serializinghtml", "sphinxcontrib-serializinghtml", true, true},
	{"django-pymemcache", "django-pymemcache", true, true},
	{"passlib", "passlib", true, true},
	{"fasteners", "fasteners", true, true},
	{"sshtunnel", "sshtunnel", true, true},
	{"dfs-sdk", "dfs-sdk", true, true},
	{"idna", "idna", true, true},
	{"os-refresh-config", "os-refresh-config", true, true},
	{"django", "django", true, true},
	{"oslo-config", "oslo-config", true, true},
	{"oslo_config", "oslo-config", true, false},
	{"zope.interface", "zope-interface", true, false},
	{"python-keystoneclient", "python-keystoneclient", true, true},
	{"cryptography", "cryptography", true, true},
	{"Foo__Bar", "foo-bar", true, false},
	{"foo.-_bar", "foo-bar", true, false},
	{"a", "a", true, true},
	{"A", "a", true, false},
	{"1", "1", true, true},
	{"0x", "0x", true, true},
	{"a-b", "a-b", true, true},
	{"a--b", "a-b", true, false},
	{"a_-_b", "a-b", true, false},
	{"a.b.c", "a-b-c", true, false},
	{"ABC.def_GHI-jkl", "abc-def-ghi-jkl", true, false},
	{"python_keystoneclient", "python-keystoneclient", true, false},
	{"Python-KeystoneClient", "python-keystoneclient", true, false},
	{"backports.ssl_match_hostname", "backports-ssl-match-hostname", true, false},
	{"setuptools_scm", "setuptools-scm", true, false},
	{"sphinxcontrib-apidoc", "sphinxcontrib-apidoc", true, true},
	{"", "", false, false},
	{"-", "-", false, false},
	{"_", "-", false, false},
	{".", "-", false, false},
	{"-foo", "-foo", false, false},
	{"foo-", "foo-", false, false},
	{"_foo", "-foo", false, false},
	{"foo_", "foo-", false, false},
	{".foo", "-foo", false, false},
	{"foo.", "foo-", false, false},
	{"foo bar", "foo bar", false, false},
	{"foo!", "foo!", false, false},
	{"foo+bar", "foo+bar", false, false},
	{"foo/bar", "foo/bar", false, false},
	{"föö", "föö", false, false},
	{"İstanbul", "i̇stanbul", false, false},
	{"Ǆemal", "ǆemal", false, false},
	{"ǅ", "ǆ", false, false},
	{"K", "k", true, false},
	{"foo--", "foo-", false, false},
	{"--foo", "-foo", false, false},
	{"a..b", "a-b", true, false},
	{"foo\tbar", "foo\tbar", false, false},
	{" foo", " foo", false, false},
	{"foo ", "foo ", false, false},
	{"1.0", "1-0", true, false},
	{"0", "0", true, true},
	{"xxx", "xxx", true, true},
	{"foo@bar", "foo@bar", false, false},
	{"foo[bar]", "foo[bar]", false, false},
	{"Σίσυφος", "σίσυφος", false, false},
}

func TestNormalize(t *testing.T) {
	for _, c := range nameCases {
		if got := Normalize(c.name); got != c.normalized {
			t.Errorf("Normalize(%q) = %q, want %q", c.name, got, c.normalized)
		}
	}
}

func TestValid(t *testing.T) {
	for _, c := range nameCases {
		if got := Valid(c.name); got != c.valid {
			t.Errorf("Valid(%q) = %v, want %v", c.name, got, c.valid)
		}
	}
}

func TestIsNormalized(t *testing.T) {
	for _, c := range nameCases {
		if got := IsNormalized(c.name); got != c.isNorm {
			t.Errorf("IsNormalized(%q) = %v, want %v", c.name, got, c.isNorm)
		}
	}
}

func TestEqual(t *testing.T) {
	for _, c := range nameCases {
		if !Equal(c.name, c.normalized) {
			t.Errorf("Equal(%q, %q) = false, want true", c.name, c.normalized)
		}
	}
	cases := []struct {
		a, b string
		want bool
	}{
		{"Django", "django", true},
		{"oslo.config", "oslo-config", true},
		{"oslo.config", "oslo_config", true},
		{"oslo.config", "osloconfig", false},
		{"python-keystoneclient", "Python_KeystoneClient", true},
		{"zope.interface", "zope-interface", true},
		{"ruamel.yaml.clib", "ruamel-yaml-clib", true},
		{"ruamel.yaml", "ruamel.yaml.clib", false},
		{"PyYAML", "pyyaml", true},
		{"PyYAML", "yaml", false},
		{"foo--bar", "foo-bar", true},
		{"foo-bar", "foobar", false},
		{"", "", true},
		{"-", "_", true},
	}
	for _, c := range cases {
		if got := Equal(c.a, c.b); got != c.want {
			t.Errorf("Equal(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, c := range nameCases {
		f.Add(c.name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		n := Normalize(name)
		if Normalize(n) != n {
			t.Errorf("Normalize not idempotent: %q -> %q -> %q", name, n, Normalize(n))
		}
		if Valid(name) && !IsNormalized(n) {
			t.Errorf("Normalize(%q) = %q, valid name but not IsNormalized", name, n)
		}
		if IsNormalized(name) && (n != name || !Valid(name)) {
			t.Errorf("IsNormalized(%q) but Normalize = %q, Valid = %v", name, n, Valid(name))
		}
	})
}
