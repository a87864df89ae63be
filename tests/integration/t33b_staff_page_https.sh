#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The browser test of the staff page (t33_staff_page.sh) over HTTPS:
# http.tls_cert_file with a certificate of a throwaway CA.
STAFF_HTTPS=1 exec sh "$(dirname "$0")/t33_staff_page.sh"
