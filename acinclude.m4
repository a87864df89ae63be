dnl CGW_SYSTEMD_DIR(VAR, PKGCONFIG-VARIABLE, DIR-UNDER-PREFIX)
dnl Sets and substitutes VAR from --with-VAR: "auto" takes systemd's
dnl pkg-config variable when the prefix is /usr (where those directories
dnl belong), else ${prefix}/DIR-UNDER-PREFIX, which systemd also reads
dnl for /usr/local and which keeps `make distcheck` inside its prefix.
AC_DEFUN([CGW_SYSTEMD_DIR], [
AS_IF([test "x$with_$1" = xauto], [
  with_$1='${prefix}/$3'
  AS_IF([test "x$cgw_prefix" = x/usr], [
    cgw_dir=`$PKG_CONFIG --variable=$2 systemd 2>/dev/null`
    AS_IF([test -n "$cgw_dir"], [with_$1=$cgw_dir])])])
AS_IF([test "x$with_$1" = xno], [with_$1=])
AC_SUBST([$1], [$with_$1])
])
