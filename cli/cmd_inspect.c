// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlsroot inspect: a bundle's header, never its secrets (tlsroot-bundle(5));
 * tlsroot policy inspect: a signed policy (tlsroot-policy(8)).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <tss2/tss2_tpm2_types.h>

#include "cli/cli_tpm.h"

static void print_hex(const uint8_t *p, size_t n)
{
	while (n--)
		printf("%02x", *p++);
}

static void print_pcr_list(uint32_t mask)
{
	const char *sep = "";
	unsigned i;

	for (i = 0; i < TR_PCR_COUNT; i++)
		if (mask >> i & 1) {
			printf("%s%u", sep, i);
			sep = ",";
		}
}

static void print_values_text(uint32_t mask,
			      const uint8_t values[][TR_DIGEST_LEN])
{
	unsigned i;

	for (i = 0; i < TR_PCR_COUNT; i++) {
		if (!(mask >> i & 1))
			continue;
		printf("pcr %-2u:   sha256:", i);
		print_hex(values[i], TR_DIGEST_LEN);
		printf("\n");
	}
}

static void print_values_json(uint32_t mask,
			      const uint8_t values[][TR_DIGEST_LEN])
{
	const char *sep = "";
	unsigned i;

	printf("{");
	for (i = 0; i < TR_PCR_COUNT; i++) {
		if (!(mask >> i & 1))
			continue;
		printf("%s\"%u\":\"", sep, i);
		print_hex(values[i], TR_DIGEST_LEN);
		printf("\"");
		sep = ",";
	}
	printf("}");
}

static void inspect_text(const char *path, const struct tr_bundle_header *h)
{
	const char *kdf = tr_bundle_pin_kdf_name(h);
	uint8_t pkfp[TR_DIGEST_LEN];

	printf("bundle:   %s\nversion:  %u\nname:     %s\nkind:     %s\n"
	       "pin:      %s", path, h->version, h->name,
	       tr_bundle_kind_name(h->kind), kdf ? "yes" : "no");
	if (kdf && h->version >= TR_BUNDLE_VERSION_PIN_KDF)
		printf(", %s, %u iterations", kdf, h->pin_iterations);
	else if (kdf)
		printf(", %s, unsalted (sealed before version 3: reseal to stretch it)",
		       kdf);
	printf("\npcrs:     sha256:");
	print_pcr_list(h->pcr_mask);
	if (h->lock_pcr == TR_LOCK_PCR_NONE)
		printf("\nlock pcr: none\n");
	else
		printf("\nlock pcr: %u\n", h->lock_pcr);
	print_values_text(h->pcr_mask, h->pcr_values);
	if (h->nv_index)
		printf("revocation: counter 0x%08x, generation %llu\n",
		       h->nv_index, (unsigned long long)h->generation);
	if (h->version == TR_BUNDLE_VERSION_SIGNED) {
		printf("signed policy: pcrs sha256:");
		print_pcr_list(h->policy_pcrs);
		printf(", key ");
		print_hex(h->policy_key.name, h->policy_key.name_len);
		if (tr_policy_key_pkfp(&h->policy_key, pkfp) == 0) {
			printf(" (systemd pkfp ");
			print_hex(pkfp, TR_DIGEST_LEN);
			printf(")");
		}
		printf("\n");
	}
	printf("policy:   ");
	print_hex(h->policy, TR_DIGEST_LEN);
	printf("\nsrk:      0x%08x (%zu bytes pinned)\npayload:  %zu bytes, AES-256-GCM\n",
	       TR_SRK_HANDLE, h->srk_len, h->sealed_len - TR_BUNDLE_TAG_LEN);
}

static void inspect_json(const struct tr_bundle_header *h)
{
	const char *kdf = tr_bundle_pin_kdf_name(h);
	uint8_t pkfp[TR_DIGEST_LEN];

	/* Names are [A-Za-z0-9._-]: nothing to escape. */
	printf("{\"version\":%u,\"name\":\"%s\",\"kind\":\"%s\",\"pin\":%s",
	       h->version, h->name, tr_bundle_kind_name(h->kind),
	       kdf ? "true" : "false");
	if (kdf)
		printf(",\"pin_kdf\":\"%s\"", kdf);
	if (kdf && h->version >= TR_BUNDLE_VERSION_PIN_KDF)
		printf(",\"pin_iterations\":%u", h->pin_iterations);
	printf(",\"pcr_bank\":\"sha256\",\"pcrs\":[");
	print_pcr_list(h->pcr_mask);
	if (h->lock_pcr == TR_LOCK_PCR_NONE)
		printf("],\"lock_pcr\":null,\"pcr_values\":");
	else
		printf("],\"lock_pcr\":%u,\"pcr_values\":", h->lock_pcr);
	print_values_json(h->pcr_mask, h->pcr_values);
	if (h->nv_index)
		printf(",\"revocation\":{\"nv_index\":\"0x%08x\",\"generation\":%llu}",
		       h->nv_index, (unsigned long long)h->generation);
	if (h->version == TR_BUNDLE_VERSION_SIGNED) {
		printf(",\"signed_policy\":{\"pcrs\":[");
		print_pcr_list(h->policy_pcrs);
		printf("],\"key_name\":\"");
		print_hex(h->policy_key.name, h->policy_key.name_len);
		if (tr_policy_key_pkfp(&h->policy_key, pkfp) == 0) {
			printf("\",\"pkfp\":\"");
			print_hex(pkfp, TR_DIGEST_LEN);
		}
		printf("\"}");
	}
	printf(",\"policy\":\"");
	print_hex(h->policy, TR_DIGEST_LEN);
	printf("\",\"srk_handle\":\"0x%08x\",\"payload_bytes\":%zu}\n",
	       TR_SRK_HANDLE, h->sealed_len - TR_BUNDLE_TAG_LEN);
}

static int is_policy_name(const char *path)
{
	return has_suffix(path, TR_POLICY_SUFFIX) ||
	       has_suffix(path, TR_PCRSIG_SUFFIX);
}

static int inspect_bundle(const char *path, int json)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_error err;
	uint8_t *buf;
	size_t len;
	int ret = 0;

	if (!h)
		return TR_EXIT_FAILURE;
	if (read_bundle(path, &buf, &len, h, &err) < 0) {
		ret = cli_fail(&err);
	} else {
		if (json)
			inspect_json(h);
		else
			inspect_text(path, h);
		free(buf);
	}
	free(h);
	return ret;
}

/* policy_only: tlsroot policy inspect, whatever the file is called. */
static int inspect_main(int argc, char **argv, int policy_only)
{
	static const struct option opts[] = {
		{ "json", 0, NULL, OPT_JSON }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	int opt, json = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == OPT_JSON) {
			json = 1;
		} else if (opt == 'h') {
			printf(policy_only ?
			       "Usage: tlsroot policy inspect FILE.tpol|FILE.json [--json]\n"
			       "Show a signed policy: a .tpol, or the entries of systemd's JSON; see tlsroot-policy(8).\n" :
			       "Usage: tlsroot inspect (BUNDLE | FILE.tpol | FILE.json) [--json]\n"
			       "Show a bundle's header (never its secrets) or a signed policy; see tlsroot-bundle(5).\n");
			return TR_EXIT_OK;
		} else {
			return TR_EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(policy_only ?
				       "policy inspect needs exactly one FILE.tpol or FILE.json" :
				       "inspect needs exactly one BUNDLE, FILE.tpol or FILE.json");
	if (policy_only || is_policy_name(argv[optind]))
		return inspect_policy_file(argv[optind], json);
	return inspect_bundle(argv[optind], json);
}

int cmd_inspect(int argc, char **argv)
{
	return inspect_main(argc, argv, 0);
}

int cmd_policy_inspect(int argc, char **argv)
{
	return inspect_main(argc, argv, 1);
}

static void policy_text(const char *path, const struct tr_signed_policy *p)
{
	printf("policy:   %s\nkey:      ", path);
	print_hex(p->key_name, p->key_name_len);
	printf("\nsignature: %s\npcrs:     sha256:", tr_policy_sig_name(p));
	print_pcr_list(p->pcr_mask);
	printf("\n");
	print_values_text(p->pcr_mask, p->pcr_values);
	printf("approved: ");
	print_hex(p->approved, TR_DIGEST_LEN);
	printf("\n");
}

static void policy_json(const struct tr_signed_policy *p)
{
	printf("{\"version\":%u,\"key_name\":\"", TR_POLICY_FILE_VERSION);
	print_hex(p->key_name, p->key_name_len);
	printf("\",\"signature\":\"%s\",\"pcr_bank\":\"sha256\",\"pcrs\":[",
	       tr_policy_sig_name(p));
	print_pcr_list(p->pcr_mask);
	printf("],\"pcr_values\":");
	print_values_json(p->pcr_mask, p->pcr_values);
	printf(",\"approved\":\"");
	print_hex(p->approved, TR_DIGEST_LEN);
	printf("\"}\n");
}

/* systemd's JSON: its sha256 entries (no PCR values: they are signed as pol). */
static void pcrsig_text(const char *path, const struct tr_signed_policy *p,
			size_t n)
{
	size_t i;

	printf("policy:   %s\nformat:   systemd PCR signature (JSON), %zu sha256 entr%s\n",
	       path, n, n == 1 ? "y" : "ies");
	for (i = 0; i < n; i++) {
		printf("entry %u:  pcrs sha256:", p[i].entry);
		print_pcr_list(p[i].pcr_mask);
		printf("\n  pkfp:     ");
		print_hex(p[i].pkfp, TR_DIGEST_LEN);
		printf("\n  signature: %s\n  approved: ", tr_policy_sig_name(&p[i]));
		print_hex(p[i].approved, TR_DIGEST_LEN);
		printf("\n");
	}
}

static void pcrsig_json(const struct tr_signed_policy *p, size_t n)
{
	size_t i;

	printf("{\"format\":\"systemd-pcrsig\",\"pcr_bank\":\"sha256\",\"entries\":[");
	for (i = 0; i < n; i++) {
		printf("%s{\"entry\":%u,\"pcrs\":[", i ? "," : "", p[i].entry);
		print_pcr_list(p[i].pcr_mask);
		printf("],\"pkfp\":\"");
		print_hex(p[i].pkfp, TR_DIGEST_LEN);
		printf("\",\"signature\":\"%s\",\"approved\":\"",
		       tr_policy_sig_name(&p[i]));
		print_hex(p[i].approved, TR_DIGEST_LEN);
		printf("\"}");
	}
	printf("]}\n");
}

int inspect_policy_file(const char *path, int json)
{
	struct tr_signed_policy *p;
	struct tr_error err;
	size_t n;

	if (read_policies(path, &p, &n, &err) < 0)
		return cli_fail(&err);
	if (p[0].format == TR_POLICY_PCRSIG && json)
		pcrsig_json(p, n);
	else if (p[0].format == TR_POLICY_PCRSIG)
		pcrsig_text(path, p, n);
	else if (json)
		policy_json(p);
	else
		policy_text(path, p);
	free(p);
	return 0;
}
