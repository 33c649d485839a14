#!/bin/sh
# Пересборка и выкладка раздела на своём сервере: для cron и таймера systemd.
# Пути и адрес выкладки задаются переменными (ниже — значения по умолчанию).
set -eu
CONTENT=${SHNOR_CONTENT:-/srv/shnor/content}
OUT=${SHNOR_OUT:-/srv/shnor/site}
CACHE=${SHNOR_CACHE:-/srv/shnor/cache}
TARGET=${DEPLOY_RSYNC_TARGET:-/var/www/shnor/}

# Материалы в git: сначала свежая версия (SHNOR_GIT_PULL=1).
if [ "${SHNOR_GIT_PULL:-0}" = 1 ]; then git -C "$CONTENT" pull --ff-only --quiet; fi

# 1 — ошибки или замечания в материалах: сайт не трогаем, ошибку видно в журнале.
shnor check --strict --content "$CONTENT" --cache "$CACHE"

status=0
shnor build --content "$CONTENT" --out "$OUT" --cache "$CACHE" || status=$?
case $status in
  0) ;;
  3) echo "shnor-rebuild: папку сайта занимает другая сборка; выкладка в следующий раз" >&2; exit 0 ;;
  *) exit "$status" ;;
esac

# Передаются только файлы с другим содержимым; файлы, которых в сайте больше
# нет, удаляются и на сервере.
rsync -a --checksum --delete --exclude .shnor-site "$OUT/" "$TARGET"
