/*
 * render.c
 *		render(template, args): the one template mechanism of the view builders.
 *
 * A template is SQL text with named, typed placeholders:
 *
 *		{{name:I}}	an identifier: a JSON string, quoted as needed; a JSON array
 *					of strings is a qualified name ("schema"."table")
 *		{{name:L}}	a literal: a JSON string is quoted ('...'), a number is
 *					written as it is (in parentheses when negative, so that
 *					"x -{{n:L}}" never turns into a comment), true/false as
 *					they are, null as NULL
 *		{{name:S}}	SQL text, inserted as it is: only for SQL the extension
 *					wrote itself (fragments, clauses), never for a user's value
 *
 * Every placeholder must be filled by a key of args (a JSON object); an
 * unfilled placeholder, a malformed one or a value of the wrong JSON type is
 * an error that names it.  Keys that no placeholder uses are allowed, so one
 * set of arguments (the indicator fragments, say) can serve many templates.
 * Inserted text is never scanned again: a value holding "{{x:S}}" stays as it
 * is.  A template that needs a literal "{{" takes it from a placeholder.
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "sferum_kpi.h"

#define RENDER_HINT "A placeholder is {{name:I}} (identifier), {{name:L}} (literal) or {{name:S}} (SQL text); names are lower case: a-z, 0-9, _."

/* The template text around position pos, for error messages. */
static char *
template_excerpt(const char *s, int len, int pos)
{
	int			from = Max(0, pos - 10);
	int			to = Min(len, pos + 30);

	return pnstrdup(s + from, to - from);
}

/* One element of an identifier array: a non-empty JSON string. */
static void
append_identifier(StringInfo out, const JsonbValue *v, const char *name)
{
	char	   *ident;

	if (v->type != jbvString || v->val.string.len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("render: placeholder {{%s:I}} needs a non-empty JSON string or an array of them", name)));
	ident = pnstrdup(v->val.string.val, v->val.string.len);
	appendStringInfoString(out, quote_identifier(ident));
	pfree(ident);
}

/* Append the value v of placeholder {{name:kind}} to out. */
static void
append_value(StringInfo out, const JsonbValue *v, const char *name, char kind)
{
	switch (kind)
	{
		case 'I':
			if (v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data))
			{
				JsonbContainer *arr = v->val.binary.data;
				uint32		n = JsonContainerSize(arr);
				uint32		i;

				if (n == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("render: placeholder {{%s:I}} is filled with an empty array", name)));
				for (i = 0; i < n; i++)
				{
					JsonbValue *e = getIthJsonbValueFromContainer(arr, i);

					if (i > 0)
						appendStringInfoChar(out, '.');
					append_identifier(out, e, name);
				}
			}
			else
				append_identifier(out, v, name);
			break;

		case 'L':
			switch (v->type)
			{
				case jbvString:
					{
						char	   *str = pnstrdup(v->val.string.val, v->val.string.len);

						appendStringInfoString(out, quote_literal_cstr(str));
						pfree(str);
						break;
					}
				case jbvNumeric:
					{
						char	   *num = DatumGetCString(DirectFunctionCall1(numeric_out,
																			  NumericGetDatum(v->val.numeric)));

						if (num[0] == '-')
							appendStringInfo(out, "(%s)", num);
						else
							appendStringInfoString(out, num);
						break;
					}
				case jbvBool:
					appendStringInfoString(out, v->val.boolean ? "true" : "false");
					break;
				case jbvNull:
					appendStringInfoString(out, "NULL");
					break;
				default:
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("render: placeholder {{%s:L}} needs a JSON string, number, boolean or null", name)));
			}
			break;

		case 'S':
			if (v->type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("render: placeholder {{%s:S}} needs a JSON string of SQL text", name)));
			appendBinaryStringInfo(out, v->val.string.val, v->val.string.len);
			break;

		default:
			elog(ERROR, "unexpected placeholder kind %c", kind);
	}
}

PG_FUNCTION_INFO_V1(sferum_render);
Datum
sferum_render(PG_FUNCTION_ARGS)
{
	text	   *tmpl = PG_GETARG_TEXT_PP(0);
	Jsonb	   *args = PG_GETARG_JSONB_P(1);
	const char *s = VARDATA_ANY(tmpl);
	int			len = VARSIZE_ANY_EXHDR(tmpl);
	StringInfoData out;
	int			i = 0;

	if (JB_ROOT_IS_SCALAR(args) || !JB_ROOT_IS_OBJECT(args))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("render: args must be a JSON object {\"name\": value, ...}")));

	initStringInfo(&out);
	while (i < len)
	{
		int			start = i;
		int			name_from;
		int			name_len;
		char		kind;
		char	   *name;
		JsonbValue	v;

		if (s[i] != '{' || i + 1 >= len || s[i + 1] != '{')
		{
			/* copy up to the next '{' in one go */
			const char *next = memchr(s + i + 1, '{', len - i - 1);
			int			upto = next ? (int) (next - s) : len;

			appendBinaryStringInfo(&out, s + i, upto - i);
			i = upto;
			continue;
		}

		/* {{name:K}} */
		i += 2;
		name_from = i;
		if (i < len && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			for (i++; i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
				;
		name_len = i - name_from;
		if (name_len == 0 || i + 4 > len || s[i] != ':' || s[i + 2] != '}' || s[i + 3] != '}')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("render: malformed placeholder at character %d of the template: \"%s\"",
							start + 1, template_excerpt(s, len, start)),
					 errhint(RENDER_HINT)));
		kind = s[i + 1];
		name = pnstrdup(s + name_from, name_len);
		if (kind != 'I' && kind != 'L' && kind != 'S')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("render: placeholder {{%s:%c}} has an unknown kind \"%c\"", name, kind, kind),
					 errhint(RENDER_HINT)));
		if (getKeyJsonValueFromContainer(&args->root, name, name_len, &v) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("render: placeholder {{%s:%c}} is not filled", name, kind),
					 errdetail("args has no key \"%s\".", name)));
		append_value(&out, &v, name, kind);
		pfree(name);
		i += 4;
	}

	PG_FREE_IF_COPY(tmpl, 0);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
}
