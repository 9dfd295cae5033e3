#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; its ucnv types clash with Foundation's _FoundationICU (see STACK.md). */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
