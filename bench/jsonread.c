// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

#define MAX_DEPTH 64

struct parser {
	const char *start, *p, *end;
	char *err;
	size_t errlen;
	int depth;
};

static int perr(struct parser *ps, const char *what)
{
	if (ps->err && !ps->err[0])
		snprintf(ps->err, ps->errlen, "%s at byte %zu", what,
			 (size_t)(ps->p - ps->start));
	return -1;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A string, unescaped into a fresh buffer (UTF-8 for \u escapes). */
static char *parse_string(struct parser *ps)
{
	size_t cap = 16, n = 0;
	char *s;

	if (ps->p >= ps->end || *ps->p != '"')
		return perr(ps, "expected a string"), NULL;
	ps->p++;
	s = malloc(cap);
	if (!s)
		return NULL;
	while (ps->p < ps->end && *ps->p != '"') {
		unsigned c = (unsigned char)*ps->p++;

		if (c < 0x20) {
			free(s);
			return perr(ps, "control character in a string"), NULL;
		}
		if (c == '\\') {
			if (ps->p >= ps->end)
				break;
			c = (unsigned char)*ps->p++;
			switch (c) {
			case '"': case '\\': case '/': break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				int i, h;

				if (ps->end - ps->p < 4) {
					free(s);
					return perr(ps, "short \\u escape"), NULL;
				}
				for (c = 0, i = 0; i < 4; i++) {
					h = hexval(ps->p[i]);
					if (h < 0) {
						free(s);
						return perr(ps, "bad \\u escape"), NULL;
					}
					c = c * 16 + (unsigned)h;
				}
				ps->p += 4;
				break;
			}
			default:
				free(s);
				return perr(ps, "bad escape"), NULL;
			}
		}
		if (n + 4 >= cap) {
			char *t = realloc(s, cap *= 2);

			if (!t) {
				free(s);
				return NULL;
			}
			s = t;
		}
		if (c < 0x80) {
			s[n++] = (char)c;
		} else if (c < 0x800) {
			s[n++] = (char)(0xc0 | (c >> 6));
			s[n++] = (char)(0x80 | (c & 0x3f));
		} else {
			s[n++] = (char)(0xe0 | (c >> 12));
			s[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s[n++] = (char)(0x80 | (c & 0x3f));
		}
	}
	if (ps->p >= ps->end) {
		free(s);
		return perr(ps, "unterminated string"), NULL;
	}
	ps->p++;
	s[n] = '\0';
	return s;
}

static struct jnode *parse_value(struct parser *ps);

static struct jnode *new_node(enum jtype t)
{
	struct jnode *n = calloc(1, sizeof(*n));

	if (n)
		n->type = t;
	return n;
}

/* Elements of an array or members of an object, up to the closing char. */
static struct jnode *parse_container(struct parser *ps, bool object)
{
	struct jnode *n = new_node(object ? J_OBJ : J_ARR), **tail;
	char close = object ? '}' : ']';

	if (!n)
		return NULL;
	if (++ps->depth > MAX_DEPTH) {
		json_free(n);
		return perr(ps, "nested too deeply"), NULL;
	}
	ps->p++;
	tail = &n->child;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return n;
	}
	for (;;) {
		char *key = NULL;
		struct jnode *v;

		skip_ws(ps);
		if (object) {
			key = parse_string(ps);
			if (!key)
				goto fail;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				perr(ps, "expected ':'");
				goto fail;
			}
			ps->p++;
		}
		v = parse_value(ps);
		if (!v) {
			free(key);
			goto fail;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			ps->depth--;
			return n;
		}
		perr(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
		goto fail;
	}
fail:
	json_free(n);
	return NULL;
}

static struct jnode *parse_value(struct parser *ps)
{
	struct jnode *n;
	char *end;

	skip_ws(ps);
	if (ps->p >= ps->end)
		return perr(ps, "unexpected end"), NULL;
	switch (*ps->p) {
	case '{':
		return parse_container(ps, true);
	case '[':
		return parse_container(ps, false);
	case '"':
		n = new_node(J_STR);
		if (n && !(n->str = parse_string(ps))) {
			free(n);
			return NULL;
		}
		return n;
	case 't': case 'f': case 'n': {
		static const char *const words[] = { "true", "false", "null" };
		size_t i;

		for (i = 0; i < 3; i++) {
			size_t l = strlen(words[i]);

			if ((size_t)(ps->end - ps->p) >= l && !memcmp(ps->p, words[i], l)) {
				ps->p += l;
				n = new_node(i == 2 ? J_NULL : J_BOOL);
				if (n)
					n->b = i == 0;
				return n;
			}
		}
		return perr(ps, "unknown word"), NULL;
	}
	default: {
		char buf[64];
		size_t l = 0;

		/* Numbers: copied out so strtod never reads past the end. */
		while (ps->p + l < ps->end && l < sizeof(buf) - 1 &&
		       strchr("+-0123456789.eE", ps->p[l]))
			l++;
		if (!l)
			return perr(ps, "unexpected character"), NULL;
		memcpy(buf, ps->p, l);
		buf[l] = '\0';
		n = new_node(J_NUM);
		if (!n)
			return NULL;
		n->num = strtod(buf, &end);
		if (end != buf + l) {
			free(n);
			return perr(ps, "bad number"), NULL;
		}
		ps->p += l;
		return n;
	}
	}
}

struct jnode *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser ps = { text, text, text + len, err, errlen, 0 };
	struct jnode *n;

	if (err && errlen)
		err[0] = '\0';
	n = parse_value(&ps);
	if (!n)
		return NULL;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		json_free(n);
		perr(&ps, "trailing characters");
		return NULL;
	}
	return n;
}

void json_free(struct jnode *n)
{
	while (n) {
		struct jnode *next = n->next;

		json_free(n->child);
		free(n->key);
		free(n->str);
		free(n);
		n = next;
	}
}

const struct jnode *json_get(const struct jnode *n, const char *path)
{
	while (n && *path) {
		const struct jnode *c;

		if (*path == '.') {
			path++;
			continue;
		}
		if (*path == '[') {
			char *end;
			unsigned long i = strtoul(path + 1, &end, 10);

			if (*end != ']' || n->type != J_ARR)
				return NULL;
			for (c = n->child; c && i; c = c->next)
				i--;
			n = c;
			path = end + 1;
			continue;
		}
		{
			size_t l = strcspn(path, ".[");

			if (n->type != J_OBJ)
				return NULL;
			for (c = n->child; c; c = c->next)
				if (c->key && strlen(c->key) == l && !strncmp(c->key, path, l))
					break;
			n = c;
			path += l;
		}
	}
	return n;
}

const char *json_get_str(const struct jnode *n, const char *path, const char *def)
{
	const struct jnode *v = json_get(n, path);

	return v && v->type == J_STR ? v->str : def;
}

double json_get_num(const struct jnode *n, const char *path, double def)
{
	const struct jnode *v = json_get(n, path);

	return v && v->type == J_NUM ? v->num : def;
}

bool json_get_bool(const struct jnode *n, const char *path, bool def)
{
	const struct jnode *v = json_get(n, path);

	return v && v->type == J_BOOL ? v->b : def;
}

size_t json_len(const struct jnode *arr)
{
	const struct jnode *c;
	size_t n = 0;

	if (!arr || (arr->type != J_ARR && arr->type != J_OBJ))
		return 0;
	for (c = arr->child; c; c = c->next)
		n++;
	return n;
}

struct jnode *json_load(const char *path, char *err, size_t errlen)
{
	struct jnode *n;
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap), pe[160];
	FILE *f = fopen(path, "re");

	if (!f || !buf) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	for (;;) {
		size_t got = fread(buf + len, 1, cap - len, f);

		len += got;
		if (len < cap)
			break;
		if (cap > (64u << 20)) {
			snprintf(err, errlen, "%s: too large", path);
			fclose(f);
			free(buf);
			return NULL;
		}
		buf = realloc(buf, cap *= 2);
		if (!buf) {
			fclose(f);
			return NULL;
		}
	}
	fclose(f);
	n = json_parse(buf, len, pe, sizeof(pe));
	if (!n)
		snprintf(err, errlen, "%s: %s", path, pe);
	free(buf);
	return n;
}
