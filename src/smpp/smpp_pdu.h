/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SMPP 3.4 PDU codec: bytes in, PDUs out, and back. Never touches a socket.
 *
 * Every PDU we know is declared once, in SMPP_COMMANDS below and in the
 * field tables of smpp_pdu.c; decoding, encoding and the trace format all
 * walk the same tables. The decoder is written for untrusted input: it
 * checks lengths, NUL-terminated strings and the TLV section before
 * anything is copied, accepts what real SMS centres send (error responses
 * without a body, sequence number 0, vendor statuses, unknown TLVs) and
 * tells the caller which command_status to answer when it refuses a PDU.
 *
 * Ownership: a decoded PDU points into the buffer it was decoded from
 * (short_message and TLV values). Keep that buffer alive while the PDU is
 * used. An encoded PDU reads the same pointers from caller memory.
 */
#ifndef SMPP_PDU_H
#define SMPP_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMPP_HEADER_LEN 16
#define SMPP_PDU_MAX 65536	/* larger command_length = broken peer */
#define SMPP_TLV_MAX 48		/* more TLVs than this = refused PDU */
#define SMPP_SM_MAX 254		/* short_message octets */

/* body layouts; each command below names one */
enum smpp_body {
	SMPP_BODY_NONE,		/* header only */
	SMPP_BODY_BIND,		/* bind_* requests */
	SMPP_BODY_BIND_RESP,	/* system_id + TLVs; absent on error */
	SMPP_BODY_SM,		/* submit_sm, deliver_sm */
	SMPP_BODY_SM_RESP,	/* message_id; may be absent */
	SMPP_BODY_DATA_SM,	/* data_sm */
	SMPP_BODY_DATA_SM_RESP,	/* message_id + TLVs */
	SMPP_BODY_OUTBIND,	/* system_id, password */
	SMPP_BODY_ALERT,	/* alert_notification */
};

/* X(NAME, command_id, "wire name", body) */
#define SMPP_COMMANDS(X)                                                     \
	X(GENERIC_NACK, 0x80000000u, "generic_nack", SMPP_BODY_NONE)         \
	X(BIND_RECEIVER, 0x00000001u, "bind_receiver", SMPP_BODY_BIND)       \
	X(BIND_RECEIVER_RESP, 0x80000001u, "bind_receiver_resp",             \
	  SMPP_BODY_BIND_RESP)                                               \
	X(BIND_TRANSMITTER, 0x00000002u, "bind_transmitter", SMPP_BODY_BIND) \
	X(BIND_TRANSMITTER_RESP, 0x80000002u, "bind_transmitter_resp",       \
	  SMPP_BODY_BIND_RESP)                                               \
	X(SUBMIT_SM, 0x00000004u, "submit_sm", SMPP_BODY_SM)                 \
	X(SUBMIT_SM_RESP, 0x80000004u, "submit_sm_resp", SMPP_BODY_SM_RESP)  \
	X(DELIVER_SM, 0x00000005u, "deliver_sm", SMPP_BODY_SM)               \
	X(DELIVER_SM_RESP, 0x80000005u, "deliver_sm_resp", SMPP_BODY_SM_RESP) \
	X(UNBIND, 0x00000006u, "unbind", SMPP_BODY_NONE)                     \
	X(UNBIND_RESP, 0x80000006u, "unbind_resp", SMPP_BODY_NONE)           \
	X(BIND_TRANSCEIVER, 0x00000009u, "bind_transceiver", SMPP_BODY_BIND) \
	X(BIND_TRANSCEIVER_RESP, 0x80000009u, "bind_transceiver_resp",       \
	  SMPP_BODY_BIND_RESP)                                               \
	X(OUTBIND, 0x0000000Bu, "outbind", SMPP_BODY_OUTBIND)                \
	X(ENQUIRE_LINK, 0x00000015u, "enquire_link", SMPP_BODY_NONE)         \
	X(ENQUIRE_LINK_RESP, 0x80000015u, "enquire_link_resp",               \
	  SMPP_BODY_NONE)                                                    \
	X(ALERT_NOTIFICATION, 0x00000102u, "alert_notification",             \
	  SMPP_BODY_ALERT)                                                   \
	X(DATA_SM, 0x00000103u, "data_sm", SMPP_BODY_DATA_SM)                \
	X(DATA_SM_RESP, 0x80000103u, "data_sm_resp", SMPP_BODY_DATA_SM_RESP)

enum smpp_command_id {
#define X(name, id, wire, body) SMPP_##name = id,
	SMPP_COMMANDS(X)
#undef X
};

#define SMPP_IS_RESP(id) (((id) & 0x80000000u) != 0)

/* command_status values we produce or act on */
#define SMPP_STATUS_LIST(X)                                                  \
	X(ESME_ROK, 0x00, "ok")                                              \
	X(ESME_RINVMSGLEN, 0x01, "message length invalid")                   \
	X(ESME_RINVCMDLEN, 0x02, "command length invalid")                   \
	X(ESME_RINVCMDID, 0x03, "command id invalid")                        \
	X(ESME_RINVBNDSTS, 0x04, "incorrect bind status")                    \
	X(ESME_RALYBND, 0x05, "already bound")                               \
	X(ESME_RSYSERR, 0x08, "system error")                                \
	X(ESME_RINVSRCADR, 0x0A, "invalid source address")                   \
	X(ESME_RINVDSTADR, 0x0B, "invalid destination address")              \
	X(ESME_RINVMSGID, 0x0C, "message id invalid")                        \
	X(ESME_RBINDFAIL, 0x0D, "bind failed")                               \
	X(ESME_RINVPASWD, 0x0E, "invalid password")                          \
	X(ESME_RINVSYSID, 0x0F, "invalid system id")                         \
	X(ESME_RMSGQFUL, 0x14, "message queue full")                         \
	X(ESME_RINVSERTYP, 0x15, "invalid service type")                     \
	X(ESME_RINVESMCLASS, 0x43, "invalid esm_class")                      \
	X(ESME_RSUBMITFAIL, 0x45, "submit failed")                           \
	X(ESME_RINVSYSTYP, 0x53, "invalid system type")                      \
	X(ESME_RTHROTTLED, 0x58, "throttled")                                \
	X(ESME_RINVSCHED, 0x61, "invalid scheduled delivery time")           \
	X(ESME_RINVEXPIRY, 0x62, "invalid validity period")                  \
	X(ESME_RX_T_APPN, 0x64, "temporary application error")               \
	X(ESME_RX_P_APPN, 0x65, "permanent application error")               \
	X(ESME_RX_R_APPN, 0x66, "message rejected")                          \
	X(ESME_RINVOPTPARSTREAM, 0xC0, "optional part malformed")            \
	X(ESME_ROPTPARNOTALLWD, 0xC1, "optional parameter not allowed")      \
	X(ESME_RINVPARLEN, 0xC2, "invalid parameter length")                 \
	X(ESME_RMISSINGOPTPARAM, 0xC3, "optional parameter missing")         \
	X(ESME_RINVOPTPARAMVAL, 0xC4, "invalid optional parameter value")    \
	X(ESME_RDELIVERYFAILURE, 0xFE, "delivery failure")                   \
	X(ESME_RUNKNOWNERR, 0xFF, "unknown error")

enum smpp_status {
#define X(name, val, text) SMPP_##name = val,
	SMPP_STATUS_LIST(X)
#undef X
};

/* TLV tags we read or write */
enum smpp_tlv_tag {
	SMPP_TLV_RECEIPTED_MESSAGE_ID = 0x001E,
	SMPP_TLV_USER_MESSAGE_REFERENCE = 0x0204,
	SMPP_TLV_SOURCE_PORT = 0x020A,
	SMPP_TLV_DESTINATION_PORT = 0x020B,
	SMPP_TLV_SAR_MSG_REF_NUM = 0x020C,
	SMPP_TLV_SAR_TOTAL_SEGMENTS = 0x020E,
	SMPP_TLV_SAR_SEGMENT_SEQNUM = 0x020F,
	SMPP_TLV_SC_INTERFACE_VERSION = 0x0210,
	SMPP_TLV_NETWORK_ERROR_CODE = 0x0423,
	SMPP_TLV_MESSAGE_PAYLOAD = 0x0424,
	SMPP_TLV_MESSAGE_STATE = 0x0427,
	SMPP_TLV_USSD_SERVICE_OP = 0x0501,
	SMPP_TLV_ITS_SESSION_INFO = 0x1383,
};

struct smpp_tlv {
	uint16_t tag;
	uint16_t len;
	const uint8_t *val;
};

/*
 * One PDU. Which body fields mean something depends on command_id (see the
 * tables in smpp_pdu.c); the others stay zero. C-octet strings are always
 * NUL-terminated after a successful decode.
 */
struct smpp_pdu {
	uint32_t command_length;
	uint32_t command_id;
	uint32_t command_status;
	uint32_t sequence_number;
	bool has_body;		/* false: header only (e.g. error response) */

	/* bind_*, bind_*_resp, outbind */
	char system_id[16];
	char password[9];
	char system_type[13];
	uint8_t interface_version;
	uint8_t addr_ton;
	uint8_t addr_npi;
	char address_range[41];

	/* submit_sm, deliver_sm, data_sm */
	char service_type[6];
	uint8_t source_addr_ton;
	uint8_t source_addr_npi;
	char source_addr[65];	/* 21 in sm PDUs, 65 in data_sm */
	uint8_t dest_addr_ton;
	uint8_t dest_addr_npi;
	char destination_addr[65];
	uint8_t esm_class;
	uint8_t protocol_id;
	uint8_t priority_flag;
	char schedule_delivery_time[17];
	char validity_period[17];
	uint8_t registered_delivery;
	uint8_t replace_if_present_flag;
	uint8_t data_coding;
	uint8_t sm_default_msg_id;
	uint8_t sm_length;
	const uint8_t *short_message;

	/* *_resp */
	char message_id[65];

	unsigned tlv_count;
	struct smpp_tlv tlv[SMPP_TLV_MAX];
};

/* Name of a command ("submit_sm"), or NULL when unknown. */
const char *smpp_command_name(uint32_t command_id);
/* Short text for a status ("throttled"), or "vendor/reserved status". */
const char *smpp_status_text(uint32_t status);
/* True when command_id is one of SMPP_COMMANDS. */
bool smpp_command_known(uint32_t command_id);
/* The response id of a request ("submit_sm" -> "submit_sm_resp"). */
uint32_t smpp_resp_id(uint32_t request_id);

/*
 * Reads the 16-byte header. Needs len >= 16. Does not judge the values.
 */
void smpp_header_read(const uint8_t *buf, struct smpp_pdu *pdu);

/*
 * Decodes one complete PDU of `len` bytes (command_length must equal len).
 *
 * Returns 0 on success. On a refused PDU returns -EBADMSG and sets *status
 * to the command_status the peer should get (ESME_RINVCMDID for an unknown
 * command: the header is still filled in, so a generic_nack can echo the
 * sequence number), with a reason in err.
 */
int smpp_pdu_decode(const uint8_t *buf, size_t len, struct smpp_pdu *pdu,
		    uint32_t *status, char *err, size_t errlen);

/*
 * Encodes `pdu` into buf (cap bytes), computing command_length. Strings that
 * do not fit their field, sm_length above SMPP_SM_MAX or too many TLVs are
 * refused with -EINVAL and a message, never truncated.
 */
int smpp_pdu_encode(const struct smpp_pdu *pdu, uint8_t *buf, size_t cap,
		    size_t *outlen, char *err, size_t errlen);

/* Resets pdu and sets its header fields. */
void smpp_pdu_init(struct smpp_pdu *pdu, uint32_t command_id,
		   uint32_t status, uint32_t seq);

/* First TLV with this tag, or NULL. */
const struct smpp_tlv *smpp_pdu_tlv(const struct smpp_pdu *pdu, uint16_t tag);
/* Reads a 1/2/4-byte big-endian TLV value. Returns 0, or -ENOENT/-EINVAL. */
int smpp_pdu_tlv_uint(const struct smpp_pdu *pdu, uint16_t tag,
		      uint32_t *out);
/*
 * Appends a TLV whose value lives in caller memory (not copied).
 * Returns 0 or -ENOSPC.
 */
int smpp_pdu_add_tlv(struct smpp_pdu *pdu, uint16_t tag, uint16_t len,
		     const uint8_t *val);

/*
 * One-line human trace of a PDU for logs and the simulator's PDU log:
 * "submit_sm seq=5 status=0x00000000 src=1/1/8088 ... sm=\"...\"".
 * Passwords are masked. Returns the length written (truncated to buflen).
 */
size_t smpp_pdu_format(const struct smpp_pdu *pdu, char *buf, size_t buflen);

/*
 * Framer: accumulates bytes from a stream and cuts whole PDUs out of it.
 * Feed any split of the stream; take PDUs while smpp_framer_next() says 1.
 */
struct smpp_framer {
	uint8_t *buf;
	size_t len;		/* bytes held */
	size_t cap;
	size_t consumed;	/* bytes already handed out */
};

void smpp_framer_init(struct smpp_framer *fr);
void smpp_framer_free(struct smpp_framer *fr);
/* Appends bytes. Returns 0 or -ENOMEM. */
int smpp_framer_feed(struct smpp_framer *fr, const uint8_t *data, size_t n);
/*
 * Returns 1 and points *pdu at the next whole PDU (valid until the next
 * call on this framer), 0 when more bytes are needed, or -EBADMSG when the
 * command_length is outside 16..SMPP_PDU_MAX: the stream cannot be
 * resynchronised and the connection must be closed.
 */
int smpp_framer_next(struct smpp_framer *fr, const uint8_t **pdu,
		     size_t *len);

#endif
