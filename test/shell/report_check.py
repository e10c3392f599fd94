#!/usr/bin/env python3
"""Checks of the weekly report page for test/shell/report.sh (standard library only).

    report_check.py page FILE ORACLE.json   the page as written: HTML5 structure, the sections,
                                            no external reference, escaping, figures = the oracle,
                                            the CSV downloads parsed back, the wording
    report_check.py dom FILE ORACLE.json    Chromium's --dump-dom of the page: it loaded (no error
                                            page), the same checks on the browser's DOM
    report_check.py png FILE W H            the screenshot: a W x H PNG, not blank, the status colours
    report_check.py phone FILE              the 390 px screenshot: nothing drawn in the rightmost
                                            columns of pixels (no table or text cut at the edge)
    report_check.py pdf FILE BBOX ORACLE    the printout (BBOX: pdftotext -bbox of it): A4 pages, no
                                            text under 7 pt, nothing past the margins, the running
                                            header and the page number on every page, every page
                                            but the last at least a third full
    report_check.py crop FILE OUT X Y W H   write a crop of a PNG (to look at a part of it)

ORACLE.json is written by report.sh from plain SQL over the views (see there).  Every
check prints "ok: ..." or exits non-zero with "FAIL: ...".
"""
import base64
import collections
import csv
import io
import html.parser
import json
import operator
import re
import struct
import sys
import zlib

SECTIONS = ['headline', 'dashboard', 'municipalities', 'stages', 'actions', 'charts', 'data-quality', 'methodology']
VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}
NBSP = '\u00a0'


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


# ---------------------------------------------------------------- a small DOM
class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return ''.join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self):
        return (self.attrs.get('class') or '').split()

    def walk(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.walk()

    def find(self, tag=None, cls=None, **attrs):
        return [n for n in self.walk()
                if (tag is None or n.tag == tag) and (cls is None or cls in n.classes())
                and all(n.attrs.get(k.replace('_', '-')) == v for k, v in attrs.items())]


class Builder(html.parser.HTMLParser):
    """Builds the tree; with strict=True every non-void element must be closed by its own end tag."""

    def __init__(self, strict):
        super().__init__(convert_charrefs=True)
        self.root = Node('#root', {}, None)
        self.cur, self.strict, self.errors, self.doctype = self.root, strict, [], None

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is self.root:
            self.errors.append('end tag </%s> without a start tag' % tag)
            return
        if n is not self.cur:
            self.errors.append('<%s> closed by </%s>' % (self.cur.tag, tag))
        self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(text, strict):
    b = Builder(strict)
    b.feed(text)
    b.close()
    if strict:
        if b.errors:
            fail('the page is not well formed: ' + '; '.join(b.errors[:5]))
        if b.cur is not b.root:
            fail('unclosed element <%s>' % b.cur.tag)
    return b


# ------------------------------------------------------- the report's formats
def pct(share):
    return '—' if share is None else ('%.1f' % (100 * share)).replace('.', ',') + NBSP + '%'


def count(n):
    return '{:,}'.format(n).replace(',', NBSP)


def status_class(row):
    if row['stage'] is None or row['met'] is None:
        return 'none'
    if row['met']:
        return 'good'
    return 'bad' if row['due'] else 'risk'


def norm(s):
    return ' '.join(s.split())


# words the seed documents do not use, or that the issue asked to drop
BANNED = ['ISO-неделя', 'схема показателей', 'затих', 'Затих', 'из знаменателя', 'Числитель', 'числитель', 'п.п.',
          'report_html', 'sferum_kpi.', 'служащих РОИВ', 'Неделя отчёта', 'Green', 'Red']
# and those it does, each once or at least once
ONCE = ['ЭЖД — электронный журнал', 'РОИВ — региональный орган', 'ОМСУ — орган местного самоуправления']


def csv_rows(a, where):
    """The rows of a CSV download link, parsed as Excel in a Russian locale reads it."""
    href = a.attrs.get('href', '')
    prefix = 'data:text/csv;charset=utf-8;base64,'
    if not href.startswith(prefix):
        fail('%s: a CSV link is not a data:text/csv UTF-8 URL: %r' % (where, href[:60]))
    data = base64.b64decode(href[len(prefix):], validate=True)
    if not data.startswith(b'\xef\xbb\xbf'):
        fail('%s: the CSV %s has no UTF-8 byte-order mark' % (where, a.attrs.get('download')))
    text = data[3:].decode('utf-8')
    if text and not text.endswith('\r\n'):
        fail('%s: the CSV %s does not end its lines with CR LF' % (where, a.attrs.get('download')))
    rows = list(csv.reader(io.StringIO(text, newline=''), delimiter=';'))
    if not rows:
        fail('%s: the CSV %s is empty' % (where, a.attrs.get('download')))
    header, body = rows[0], rows[1:]
    if any(len(r) != len(header) for r in body):
        fail('%s: the CSV %s has rows of another width than its header %s' % (where, a.attrs.get('download'), header))
    if str(len(body)) != a.attrs.get('data-rows') or ('CSV, %s ' % count(len(body))) not in a.text():
        fail('%s: the CSV %s has %d rows, its link says %r / %r' % (where, a.attrs.get('download'), len(body),
                                                                 a.attrs.get('data-rows'), a.text()))
    for col, name in enumerate(header):
        if name.endswith(', %') or name.endswith('п. п.'):
            bad = [r[col] for r in body if r[col] and not re.fullmatch(r'-?\d+(,\d+)?', r[col])]
            if bad:
                fail('%s: the CSV %s column %s is not written with a decimal comma: %s' % (where, a.attrs.get('download'), name, bad[:3]))
    return [dict(zip(header, r)) for r in body]


def csv_pct(cell):
    return '—' if cell == '' else cell + NBSP + '%'


# ------------------------------------------------------------------ the checks
def check_common(root, oracle, where):
    """What the written page and Chromium's DOM must both show."""
    secs = {n.attrs.get('id'): n for n in root.find('section')}
    missing = [s for s in SECTIONS if s not in secs]
    if missing:
        fail('%s: sections missing: %s' % (where, ', '.join(missing)))
    for s in SECTIONS:
        if len([n for n in root.walk() if n.attrs.get('id') == s]) != 1:
            fail('%s: id "%s" is not unique' % (where, s))
        if not secs[s].find('h2'):
            fail('%s: section %s has no heading' % (where, s))
    order = [n.attrs.get('id') for n in root.find('section')]
    if order[-1] != 'methodology':
        fail('%s: the methodology is not the last section: %s' % (where, order))
    h1 = root.find('h1')
    if len(h1) != 1 or oracle['region_name'] not in h1[0].text():
        fail('%s: the h1 does not show the region name %r as text: %r'
             % (where, oracle['region_name'], h1[0].text() if h1 else None))
    if h1[0].find():
        fail('%s: the h1 holds elements %s: a name from the data was read as markup'
             % (where, [n.tag for n in h1[0].find()]))
    title = root.find('title')
    if not title or oracle['region_name'] not in title[0].text():
        fail('%s: the <title> does not show the region name' % where)
    text = root.text()
    for name in oracle.get('names_shown', []):
        if name not in text:
            fail('%s: the name %r is not shown as text' % (where, name))
    if root.find('script') or root.find('iframe') or root.find('img') or root.find('link') or root.find('object'):
        fail('%s: the page has a script, iframe, img, link or object element' % where)
    # the wording
    for w in BANNED:
        if w in text:
            i = text.index(w)
            fail('%s: the page says %r: ...%s...' % (where, w, text[max(0, i - 60):i + 60]))
    for w in ONCE:
        if text.count(w) != 1:
            fail('%s: %r is spelled out %d times, want once' % (where, w, text.count(w)))
    if 'обучающихся и родителей (законных представителей)' not in text:
        fail('%s: the page does not say «обучающихся и родителей (законных представителей)»' % where)
    # one SVG chart per computed indicator, each with a text alternative
    figs = root.find('figure', cls='chart')
    got = sorted(f.attrs.get('data-indicator') for f in figs)
    if got != sorted(oracle['indicators']):
        fail('%s: charts for %s, want one for each of %s' % (where, got, sorted(oracle['indicators'])))
    for f in figs:
        ind = f.attrs.get('data-indicator')
        svgs = f.find('svg', cls='chart')
        if len(svgs) != 1:
            fail('%s: chart %s has %d svg elements' % (where, ind, len(svgs)))
        svg = svgs[0]
        ylabels = [norm(t.text()) for t in svg.find('text', cls='ylab')]
        if ylabels != ['0 %', '25 %', '50 %', '75 %', '100 %']:
            fail('%s: chart %s y axis %s, want 0-100 %%' % (where, ind, ylabels))
        if not svg.find('text', cls='xlab'):
            fail('%s: chart %s has no x-axis labels' % (where, ind))
    for svg in root.find('svg', cls='chart') + root.find('svg', cls='small'):
        if svg.attrs.get('role') != 'img' or not svg.find('title') or not svg.find('desc') \
                or not norm(svg.find('title')[0].text()) or not norm(svg.find('desc')[0].text()):
            fail('%s: a drawing without its text alternative (role="img", <title>, <desc>): %r' % (where, svg.attrs))
    # no status without words: every badge and every status cell has text besides its mark
    for st in root.find('span', cls='st'):
        words = norm(''.join(c if isinstance(c, str) else '' for c in st.children))
        if len(words) < 3:
            fail('%s: a status badge without words: %r' % (where, st.text()))
    for td in root.find('td', cls='status'):
        if len(norm(td.text()).strip('✓✗!– ')) < 3:
            fail('%s: a status cell without words: %r' % (where, td.text()))
    legend = root.find('p', cls='legend')
    if not legend or sorted(set(c for st in legend[0].find('span', cls='st') for c in st.classes() if c.startswith('st-'))) \
            != ['st-bad', 'st-good', 'st-none', 'st-risk']:
        fail('%s: no legend of the four statuses' % where)
    return secs


def check_figures(root, oracle, where):
    secs = {n.attrs.get('id'): n for n in root.find('section')}
    # the headline names every indicator below its stage this school year, and no other
    below = sorted(li.attrs['data-indicator'] for li in secs['headline'].find('li') if li.attrs.get('data-headline') == 'below')
    if below != sorted(oracle['below']):
        fail('%s: the headline names %s below their stage, want %s' % (where, below, sorted(oracle['below'])))
    for li in secs['headline'].find('li'):
        if li.attrs.get('data-headline') == 'below' and not re.search(r'не хватает \d[\d\u00a0]* \w+', norm(li.text())):
            fail('%s: the headline does not say how many are short: %r' % (where, li.text()))
    # the freshness: «данные по <last day>» apart from the generation date, the warning when old
    fresh = [dd for dd in root.find('dd') if 'data-fresh' in dd.attrs]
    gen = [dd for dd in root.find('dd') if 'data-generated' in dd.attrs]
    if len(fresh) != 1 or norm(fresh[0].text()) != 'данные по ' + oracle['fresh'] or len(gen) != 1:
        fail('%s: no «данные по %s» apart from the generation date: %r' % (where, oracle['fresh'], fresh and fresh[0].text()))
    stale = [p for p in root.find('p', cls='stale') if p.attrs.get('role') == 'alert']
    if bool(stale) != oracle['stale']:
        fail('%s: the stale-data warning is %s, want %s' % (where, 'shown' if stale else 'absent', oracle['stale']))
    # the dashboard: the figures of the oracle, its CSV = its rows
    rows = {tr.attrs['data-indicator']: tr for tr in secs['dashboard'].find('tr') if 'data-indicator' in tr.attrs}
    want = {r['indicator']: r for r in oracle['dashboard']}
    if sorted(rows) != sorted(want):
        fail('%s: dashboard rows %s, want %s' % (where, sorted(rows), sorted(want)))
    for ind, r in want.items():
        tr = rows[ind]
        value = norm(tr.find('td', cls='value')[0].text())
        if value != norm(pct(r['share'])):
            fail('%s: dashboard %s shows %r, want %r' % (where, ind, value, norm(pct(r['share']))))
        cnt = norm(tr.find('td', cls='count')[0].text())
        want_cnt = '—' if r['denominator'] is None else norm('%s / %s' % (count(r['numerator']), count(r['denominator'])))
        if cnt != want_cnt:
            fail('%s: dashboard %s count %r, want %r' % (where, ind, cnt, want_cnt))
        st = tr.find('span', cls='st')[0]
        if 'st-' + status_class(r) not in st.classes():
            fail('%s: dashboard %s status %s, want st-%s (met %s, due %s)'
                 % (where, ind, st.classes(), status_class(r), r['met'], r['due']))
    links = secs['dashboard'].find('a', cls='csv')
    body = csv_rows(links[0], where)
    if [norm(csv_pct(b['Значение, %'])) for b in body] != [norm(tr.find('td', cls='value')[0].text())
                                                           for tr in secs['dashboard'].find('tr') if 'data-indicator' in tr.attrs]:
        fail('%s: the dashboard CSV does not hold the rows of its table' % where)
    for ind, sign in (oracle.get('spark') or {}).items():
        line = rows[ind].find('polyline')[0].attrs['points'].split()
        first, last = float(line[0].split(',')[1]), float(line[-1].split(',')[1])
        if (first - last) * sign <= 0:
            fail('%s: the sparkline of %s runs the wrong way' % (where, ind))
    # every municipality: named, a row per main indicator, its CSV = its rows
    resp = secs['municipalities'].find('table', cls='resp')
    if len(resp) != 1:
        fail('%s: no responsibility table' % where)
    named = [norm(th.text()) for tb in resp[0].find('tbody', cls='muni') for th in tb.find('th')]
    if sorted(named) != sorted(norm(n) for n in oracle['municipalities']):
        fail('%s: the responsibility table names %s, want every municipality %s' % (where, named, oracle['municipalities']))
    resp_rows = [tr for tr in resp[0].find('tr') if 'data-indicator' in tr.attrs]
    if len(resp_rows) != oracle['resp_rows']:
        fail('%s: the responsibility table has %d rows, want %d' % (where, len(resp_rows), oracle['resp_rows']))
    body = csv_rows(secs['municipalities'].find('a', cls='csv')[0], where)
    page_rows = [(norm(tb.find('th')[0].text()), norm(tr.find('td')[1].text()))
                 for tb in resp[0].find('tbody', cls='muni') for tr in tb.find('tr') if 'data-indicator' in tr.attrs]
    if [(norm(b['Муниципалитет']), norm(csv_pct(b['Доля, %']))) for b in body] != page_rows:
        fail('%s: the municipalities CSV does not hold the rows of its table' % where)
    smalls = secs['municipalities'].find('figure', cls='small')
    if len(smalls) != oracle['resp_rows']:
        fail('%s: %d small multiples, want one per municipality and main indicator (%d)' % (where, len(smalls), oracle['resp_rows']))
    # the charts: a dot per week with a value, the holidays named, the values labelled, the band
    for f in secs['charts'].find('figure', cls='chart'):
        ind = f.attrs['data-indicator']
        dots = len(f.find('circle', cls='dot'))
        if dots != oracle['dots'][ind]:
            fail('%s: chart %s has %d weekly points, want %d' % (where, ind, dots, oracle['dots'][ind]))
        if len(f.find('text', cls='hlab')) != oracle['holiday_runs'] or len(f.find('rect', cls='holiday')) < oracle['holiday_runs']:
            fail('%s: chart %s names %d holidays, want %d' % (where, ind, len(f.find('text', cls='hlab')), oracle['holiday_runs']))
        if oracle['dots'][ind] and not f.find('text', cls='last'):
            fail('%s: chart %s does not label its last value' % (where, ind))
        if (ind in oracle['bands']) != bool(f.find('polygon', cls='band') and f.find('text', cls='proj')):
            fail('%s: chart %s forecast band %s, want %s' % (where, ind, bool(f.find('polygon', cls='band')), ind in oracle['bands']))
        if ind in oracle['staged'] and not f.find('text', cls='goal'):
            fail('%s: chart %s does not label its stage' % (where, ind))
        if ind in oracle['based'] and not f.find('text', cls='base'):
            fail('%s: chart %s does not label its baseline' % (where, ind))
    # the stage results: every row of the region in the CSV; the municipalities capped with «и ещё N»
    st = secs['stages']
    body = csv_rows(st.find('a', cls='csv')[0], where)
    if len(body) != oracle['stages_total']:
        fail('%s: the stage-results CSV has %d rows, want %d' % (where, len(body), oracle['stages_total']))
    shown = len([tr for t in st.find('table', cls='stages-muni') for tr in t.find('tr') if 'data-indicator' in tr.attrs])
    more = [int(re.sub(r'\D', '', m.group(1))) for p in st.find('p', cls='more') for m in [re.search(r'и ещё ([\d\u00a0 ]+)', p.text())] if m]
    if shown + sum(more) != oracle['stages_muni'] or shown > 20:
        fail('%s: the municipalities\' stage results show %d rows and «и ещё %s», want %d in all, at most 20 shown'
             % (where, shown, more, oracle['stages_muni']))
    # the organisations to call: by reason, capped, every one in the CSV
    ac = secs['actions']
    got = {}
    for div in ac.find('div', cls='reason'):
        n = len(div.find('tr', cls='org'))
        more = [int(re.sub(r'\D', '', m.group(1))) for p in div.find('p', cls='more') for m in [re.search(r'и ещё ([\d\u00a0 ]+)', p.text())] if m]
        if n > 12:
            fail('%s: %d organisations listed for %s, want at most 12' % (where, n, div.attrs['data-reason']))
        got[div.attrs['data-reason']] = n + sum(more)
    if got != oracle['actions']:
        fail('%s: organisations to call by reason %s, want %s' % (where, got, oracle['actions']))
    if oracle['actions']:
        body = csv_rows(ac.find('a', cls='csv')[0], where)
        if len(body) != sum(oracle['actions'].values()):
            fail('%s: the organisations CSV has %d rows, want %d' % (where, len(body), sum(oracle['actions'].values())))
        if oracle.get('org_shown') and oracle['org_shown'] not in [b['Организация'] for b in body]:
            fail('%s: the organisations CSV does not hold %r' % (where, oracle['org_shown']))
    # data quality, methodology
    got = sorted(tr.attrs['data-check'] for tr in secs['data-quality'].find('tr') if 'data-check' in tr.attrs)
    if got != sorted(oracle['dq_rows']):
        fail('%s: data-quality rows %s, want %s' % (where, got, sorted(oracle['dq_rows'])))
    me = secs['methodology']
    heads = [norm(h.text()) for h in me.find('h3')]
    if heads != ['Источники', 'Показатели', 'Прогноз', 'Каникулы', 'Малые группы']:
        fail('%s: methodology headings %s' % (where, heads))
    if sorted(tr.attrs['data-indicator'] for tr in me.find('tr') if 'data-indicator' in tr.attrs) != sorted(oracle['indicators']):
        fail('%s: the methodology does not define every indicator' % where)


def page(path, oracle_path):
    raw = open(path, encoding='utf-8').read()
    oracle = json.load(open(oracle_path, encoding='utf-8'))
    if not raw.startswith('<!DOCTYPE html>'):
        fail('the page does not start with <!DOCTYPE html>')
    if '<html lang="ru">' not in raw or '<meta charset="utf-8">' not in raw:
        fail('no <html lang="ru"> or <meta charset="utf-8">')
    # nothing fetched from anywhere: no URL, no script, no external resource (the CSV
    # downloads are data: URLs, left out of this scan and parsed below)
    scan = re.sub(r'href="data:text/csv;charset=utf-8;base64,[A-Za-z0-9+/=]*"', 'href="#csv"', raw)
    for pat in [r'https?:', r'//[a-z0-9-]+\.[a-z]', r'<script', r'\bsrc\s*=', r'<link', r'@import', r'url\(',
                r'javascript:', r'<iframe', r'<img', r'<object', r'<embed', r'\bon[a-z]+\s*=\s*["\']', r'xlink:href']:
        m = re.search(pat, scan, re.I)
        if m:
            fail('the page has an external reference or script (%s): ...%s...'
                 % (pat, scan[max(0, m.start() - 60):m.end() + 60]))
    b = parse(raw, strict=True)
    if (b.doctype or '').lower() != 'doctype html':
        fail('doctype %r' % b.doctype)
    root = b.root
    for a in root.find('a'):
        href = a.attrs.get('href', '')
        if not (href.startswith('#') or (href.startswith('data:text/csv;') and 'csv' in a.classes())):
            fail('a link leaves the page: %r' % href[:60])
    for name in [oracle['region_name']] + oracle.get('names_shown', []):
        if name in raw:
            fail('the name %r appears unescaped in the source' % name)
    styles = root.find('style')
    css = styles[0].text() if len(styles) == 1 else ''
    for need in ['@page', 'size: A4 portrait', '@top-left', 'counter(page)', 'counter(pages)', '@media print', 'max-width: 640px']:
        if need not in css:
            fail('the print or phone style lacks %r' % need)
    # on a phone a table's rows are cards: every column of every table is named
    # in its cells (td:nth-child(i)::before), else a card shows bare numbers
    for cls, head in re.findall(r'<table class="([\w-]+)"><thead><tr>(.*?)</tr></thead>', raw, re.S):
        heads = [re.sub(r'<[^>]*>', '', h) for h in re.findall(r'<th[^>]*>(.*?)</th>', head, re.S)]
        for i, h in enumerate(heads, 1):
            m = re.search(r'table\.%s td:nth-child\(%d\)::before \{ content: "(.*?): "; \}' % (re.escape(cls), i), css)
            if not m:
                fail('on a phone the cells of column %d of table.%s are not named (no td:nth-child(%d)::before)' % (i, cls, i))
            if html.unescape(m.group(1)) != html.unescape(h):
                fail('on a phone column %d of table.%s is named %r, its heading says %r' % (i, cls, m.group(1), h))
    check_common(root, oracle, 'page')
    check_figures(root, oracle, 'page')
    print('ok: page: HTML5, well formed, %d sections, %d charts with text alternatives, no external reference, names escaped, '
          'statuses in words with a legend, the wording; = the oracle: headline names %d indicators below their stage, '
          '%d dashboard rows, %d municipalities (%d rows, small multiples), the weekly points and %d holidays per chart, '
          '%d stage results, %d organisations to call, %d data-quality findings; every CSV parsed back'
          % (len(SECTIONS), len(oracle['indicators']), len(oracle['below']), len(oracle['dashboard']),
             len(oracle['municipalities']), oracle['resp_rows'], oracle['holiday_runs'], oracle['stages_total'],
             sum(oracle['actions'].values()), len(oracle['dq_rows'])))


def dom(path, oracle_path):
    raw = open(path, encoding='utf-8').read()
    oracle = json.load(open(oracle_path, encoding='utf-8'))
    if not raw.strip():
        fail('Chromium dumped no DOM: the page did not load')
    if not re.search(r'<html[^>]*\blang="ru"', raw):
        fail('the DOM is not the report\'s (no <html lang="ru">): %r' % raw[:200])
    for marker in ['neterror', 'main-frame-error', 'ERR_FILE_NOT_FOUND', 'ERR_ACCESS_DENIED', 'This site can']:
        if marker in raw:
            fail('Chromium shows an error page (%s)' % marker)
    root = parse(raw, strict=False).root
    check_common(root, oracle, 'dom')
    check_figures(root, oracle, 'dom')
    print('ok: dom: Chromium loaded the page: every section, %d SVG charts, the figures, names as text, the CSV downloads'
          % len(root.find('svg', cls='chart')))


# ------------------------------------------------------------------------ PNG
def read_png(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        fail('%s is not a PNG file' % path)
    pos, idat, width = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or colour not in (2, 6) or interlace:
                fail('unsupported PNG: depth %d colour type %d interlace %d' % (depth, colour, interlace))
            bpp = 3 if colour == 2 else 4
        elif kind == b'IDAT':
            idat.append(body)
        elif kind == b'IEND':
            break
        pos += 12 + length
    if width is None:
        fail('no IHDR chunk in %s' % path)
    raw = zlib.decompress(b''.join(idat))
    stride = width * bpp
    wrap = bytes(range(256)) * 2        # wrap[a + b] == (a + b) & 255, looked up in C
    rows, prev = [], bytes(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        cur = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if ftype == 0:
            line = cur
        elif ftype == 2:
            line = bytes(map(wrap.__getitem__, map(operator.add, cur, prev)))
        else:
            line = bytearray(cur)
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                if ftype == 1:
                    line[i] = wrap[line[i] + a]
                elif ftype == 3:
                    line[i] = wrap[line[i] + ((a + prev[i]) >> 1)]
                else:
                    b = prev[i]
                    c = prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = wrap[line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)]
            line = bytes(line)
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def hexrgb(h):
    return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))


def png(path, want_w, want_h):
    width, height, bpp, rows = read_png(path)
    if (width, height) != (int(want_w), int(want_h)):
        fail('the screenshot is %dx%d, want %sx%s' % (width, height, want_w, want_h))
    counts = collections.Counter()
    for row in rows:
        counts.update(zip(row[0::bpp], row[1::bpp], row[2::bpp]))
    inked = 1 - counts[(255, 255, 255)] / float(width * height)
    if len(counts) < 100 or inked < 0.03:
        fail('the screenshot looks blank: %d colours, %.1f %% not white' % (len(counts), 100 * inked))
    # the status badges and the charts in their colours (the page's CSS)
    wanted = {'good badge': '#cfe3f5', 'bad badge': '#9c2a00', 'risk badge': '#ffe08a', 'table head': '#eef2f6',
              'chart line': '#0b5cad'}
    absent = [k for k, v in wanted.items() if hexrgb(v) not in counts]
    if absent:
        fail('the screenshot lacks the colours of: %s' % ', '.join(absent))
    bands = []
    for y0 in range(0, height - 499, 500):
        ink = sum(1 for row in rows[y0:y0 + 500:10] if row.count(b'\xff') < len(row) - 30)
        bands.append(ink)
    if sum(1 for b in bands if b > 0) < 0.8 * len(bands):
        fail('the screenshot is blank below some point: ink per 500 px band %s' % bands)
    print('ok: png: %dx%d, %d colours, %.1f %% not white, status colours present, ink in %d of %d bands'
          % (width, height, len(counts), 100 * inked, sum(1 for b in bands if b > 0), len(bands)))


def phone(path):
    """A 390 px wide screenshot: the page has a margin on the right, so anything drawn in
    the last 5 columns of pixels is a table or a line cut at the edge of the screen."""
    width, height, bpp, rows = read_png(path)
    if width != 390:
        fail('the phone screenshot is %d px wide, want 390' % width)
    cut = [y for y, row in enumerate(rows) if any(v < 235 for v in row[(width - 5) * bpp:])]
    if cut:
        fail('the phone screenshot has something cut at the right edge at y = %s...' % cut[:5])
    inked = sum(1 for row in rows[::20] if row.count(b'\xff') < len(row) - 30)
    if inked < 0.5 * len(rows[::20]):
        fail('the phone screenshot is mostly blank')
    print('ok: phone: 390 px wide, %d px tall, nothing cut at the right edge' % height)


WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>')


def pdf(path, bbox_path, oracle_path):
    data = open(path, 'rb').read()
    oracle = json.load(open(oracle_path, encoding='utf-8'))
    if not data.startswith(b'%PDF-'):
        fail('%s is not a PDF' % path)
    bbox = open(bbox_path, encoding='utf-8').read()
    pages = [(float(m.group(1)), float(m.group(2)), m.group(3))
             for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S)]
    if not pages:
        fail('no pages in the PDF')
    for w, h, _ in pages:
        if abs(w - 595.3) > 2 or abs(h - 841.9) > 2:
            fail('a page of %s x %s pt is not A4 portrait' % (w, h))
    if not 3 <= len(pages) <= 40:
        fail('the printout has %d pages, want 3 to 40' % len(pages))
    # the font size of a word is its box height over the font's ascent - descent: the
    # running header is 8 pt (the style sheet), so its words give that ratio
    words = [[(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in WORD.findall(p)] for _, _, p in pages]
    head = [wd for wd in words[0] if wd[3] < 40]
    if not head:
        fail('page 1 has no running header')
    ratio = (head[0][3] - head[0][1]) / 8.0
    small = [(i + 1, round((wd[3] - wd[1]) / ratio, 1), wd[4]) for i, ws in enumerate(words) for wd in ws
             if (wd[3] - wd[1]) / ratio < 6.95]
    if small:
        fail('printed text under 7 pt: %s' % small[:10])
    sizes = sorted((wd[3] - wd[1]) / ratio for ws in words for wd in ws)
    left, right = 12 * 72 / 25.4, 12 * 72 / 25.4
    for i, ((w, h, _), ws) in enumerate(zip(pages, words), 1):
        text = ' '.join(wd[4] for wd in ws)
        top = ' '.join(wd[4] for wd in ws if wd[3] < 40)
        bottom = ' '.join(wd[4] for wd in ws if wd[1] > h - 40)
        if oracle['region_plain'] not in norm(top) or oracle['week_label'] not in norm(top):
            fail('page %d has no running header with the region and the week: %r' % (i, top))
        if 'Страница %d из %d' % (i, len(pages)) not in bottom:
            fail('page %d has no page number: %r' % (i, bottom))
        over = [wd for wd in ws if wd[2] > w - right + 1 or wd[0] < left - 1]
        if over:
            fail('page %d: text past the margins (a table wider than the page?): %s' % (i, [(round(o[0]), round(o[2]), o[4]) for o in over[:5]]))
        body = [wd for wd in ws if 40 <= wd[1] and wd[3] <= h - 40]
        fill = (max(wd[3] for wd in body) - 45) / (h - 45 - 45) if body else 0
        if i < len(pages) and fill < 1 / 3:
            fail('page %d is only %.0f %% full' % (i, 100 * fill))
    print('ok: pdf: %d A4 portrait pages, every one with the running header (region, week) and «Страница N из %d», '
          'text %.1f-%.1f pt (none under 7), nothing past the margins, every page but the last at least a third full'
          % (len(pages), len(pages), sizes[0], sizes[-1]))


def crop(path, out, x0, y0, w, h):
    width, height, bpp, rows = read_png(path)
    lines = []
    for y in range(y0, min(y0 + h, height)):
        row = rows[y]
        line = bytearray()
        for x in range(x0, min(x0 + w, width)):
            line += row[x * bpp:x * bpp + 3]
        lines.append(b'\x00' + bytes(line))
    ow = min(x0 + w, width) - x0

    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff)
    with open(out, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', ow, len(lines), 8, 2, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(b''.join(lines), 6)) + chunk(b'IEND', b''))


if __name__ == '__main__':
    a = sys.argv[1:]
    if len(a) == 3 and a[0] in ('page', 'dom'):
        {'page': page, 'dom': dom}[a[0]](a[1], a[2])
    elif len(a) == 4 and a[0] == 'png':
        png(a[1], a[2], a[3])
    elif len(a) == 2 and a[0] == 'phone':
        phone(a[1])
    elif len(a) == 4 and a[0] == 'pdf':
        pdf(a[1], a[2], a[3])
    elif len(a) == 7 and a[0] == 'crop':
        crop(a[1], a[2], *map(int, a[3:7]))
    else:
        sys.exit(__doc__)
