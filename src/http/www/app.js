// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * citizengw staff page: log in with the API token, watch the binds and
 * queues, create broadcasts (preview first, then send), follow their
 * progress, download their reports, read the procedure requests, and act
 * on the applications citizens filed by phone (a new status, a reason).
 *
 * Plain ES2017 for the browsers of office PCs (~2019): no modules, no
 * build, no optional chaining or object spread. Every text shown is in
 * TEXTS below, one table per language. The token lives in sessionStorage
 * (this tab only) and goes out only in the Authorization header.
 * The API is docs/api.md.
 */
(function () {
	'use strict';

	var TEXTS = {
		vi: {
			page_title: 'citizengw — Trang cán bộ',
			app_title: 'Tin nhắn cho công dân — trang cán bộ',
			lang_switch: 'English',
			lang_switch_label: 'Switch to English',
			logout: 'Đăng xuất',
			nav_label: 'Mục chính',
			nav_overview: 'Tổng quan',
			nav_broadcasts: 'Tin nhắn hàng loạt',
			nav_new: 'Tạo tin nhắn mới',
			nav_requests: 'Yêu cầu thủ tục',

			login_title: 'Đăng nhập',
			login_token: 'Mã truy cập (API token)',
			login_hint: 'Mã do quản trị viên cấp. Trang chỉ giữ mã trong thẻ trình duyệt này; đóng thẻ là phải nhập lại.',
			login_submit: 'Đăng nhập',
			login_checking: 'Đang kiểm tra…',
			login_empty: 'Hãy nhập mã truy cập.',
			login_wrong: 'Mã truy cập không đúng.',
			login_expired: 'Mã truy cập không còn được chấp nhận. Hãy đăng nhập lại.',
			login_out: 'Đã đăng xuất.',

			updated_at: 'Cập nhật lúc {time}',
			updated_auto: 'tự cập nhật mỗi {n} giây',
			offline: 'Mất kết nối, đang thử lại…',

			overview_title: 'Tổng quan',
			overview_redis: 'Cơ sở dữ liệu (Redis)',
			overview_version: 'Phiên bản',
			overview_instance: 'Tiến trình',
			overview_binds: 'Kết nối tới tổng đài SMS',
			overview_binds_hint: 'BOUND: đã kết nối, gửi và nhận được tin nhắn.',
			overview_no_binds: 'Chưa có kết nối nào được cấu hình.',
			overview_queues: 'Hàng đợi',
			bind_id: 'Tên',
			bind_role: 'Vai trò',
			bind_state: 'Trạng thái',
			bind_since: 'Từ lúc',
			bind_window: 'Cửa sổ',
			bind_in_flight: 'Đang chờ trả lời',
			bind_tps: 'Tin/giây tối đa',
			bind_BOUND: 'Đã kết nối',
			bind_down: 'Chưa kết nối',
			redis_ready: 'sẵn sàng',
			redis_down: 'không kết nối được',
			queue_replies: 'Tin trả lời chờ gửi',
			queue_broadcast: 'Tin hàng loạt chờ gửi',
			queue_open_mos: 'Tin đến đang xử lý',

			broadcasts_title: 'Tin nhắn hàng loạt',
			broadcasts_new: 'Tạo tin nhắn mới',
			broadcasts_empty: 'Chưa có tin nhắn hàng loạt nào.',
			broadcasts_created: 'Đã tạo “{name}” ({id}). Tiến độ hiện bên dưới và tự cập nhật.',
			bc_id: 'Mã',
			bc_created: 'Tạo lúc',
			bc_schedule: 'Bắt đầu',
			bc_expires: 'Hết hạn',
			bc_rate: 'Tốc độ',
			bc_rate_value: '{n} tin/giây',
			bc_total: 'Người nhận',
			bc_progress: 'Tiến độ',
			bc_progress_text: '{done} / {total} người nhận đã có kết quả cuối',
			bc_pause: 'Tạm dừng',
			bc_resume: 'Tiếp tục',
			bc_cancel: 'Hủy',
			bc_report: 'Tải báo cáo (CSV)',
			bc_report_loading: 'Đang tải…',
			bc_report_file: 'bao-cao',
			bc_confirm_cancel: 'Hủy hẳn “{name}”?\nNhững người chưa được gửi sẽ không nhận tin. Không thể tiếp tục lại sau khi hủy.',
			state_scheduled: 'Đã lên lịch',
			state_running: 'Đang gửi',
			state_paused: 'Tạm dừng',
			state_quiet: 'Chờ qua giờ yên lặng',
			state_cancelled: 'Đã hủy',
			state_done: 'Hoàn tất',
			state_expired: 'Hết hạn',
			count_pending: 'Chờ gửi',
			count_queued: 'Trong hàng đợi',
			count_sent: 'Tổng đài đã nhận',
			count_delivered: 'Đã đến máy',
			count_failed: 'Lỗi',
			count_expired: 'Quá hạn',
			count_opted_out: 'Từ chối nhận tin',
			count_cancelled: 'Đã hủy',

			new_title: 'Tạo tin nhắn hàng loạt',
			new_intro: 'Chọn danh sách người nhận (tệp CSV), viết mẫu tin, bấm “Xem trước” để kiểm tra nội dung và chi phí, rồi mới “Gửi”.',
			f_name: 'Tên đợt gửi',
			f_name_hint: 'Chỉ cán bộ thấy tên này, ví dụ: Nhắc bổ sung giấy tờ tháng 12.',
			f_csv: 'Danh sách người nhận (tệp CSV)',
			f_csv_hint: 'Dòng đầu là tên cột, phải có cột phone (số điện thoại). Trong Excel: Lưu thành “CSV UTF-8 (Comma delimited)”.',
			f_csv_info: 'Tệp {file}: {rows} dòng người nhận, các cột: {cols}.',
			f_csv_reading: 'Đang đọc tệp…',
			f_csv_no_phone: 'Tệp không có cột “phone”: máy chủ sẽ không nhận danh sách này.',
			f_template: 'Mẫu tin nhắn',
			f_template_vars: 'Biến dùng được (bấm để chèn):',
			f_template_vars_none: 'Chọn tệp CSV để thấy các biến, ví dụ {name}.',
			f_template_unknown: 'Không có cột nào tên {vars} trong tệp CSV.',
			f_template_count: '{n} ký tự trong mẫu (chưa thay biến).',
			f_schedule: 'Thời gian bắt đầu gửi',
			f_schedule_hint: 'Giờ Việt Nam. Để trống: gửi ngay.',
			f_expires: 'Hết hạn lúc',
			f_expires_hint: 'Sau giờ này không gửi nữa. Để trống: 24 giờ sau khi bắt đầu.',
			f_rate: 'Tốc độ (tin/giây)',
			f_rate_hint: 'Để trống: theo cấu hình của hệ thống.',
			btn_preview: 'Xem trước',
			btn_previewing: 'Đang kiểm tra…',
			btn_send: 'Gửi',
			btn_send_n: 'Gửi {n} tin nhắn',
			btn_sending: 'Đang tạo…',
			btn_reset: 'Làm lại',
			send_hint_first: 'Nút “Gửi” chỉ bật sau khi đã xem trước.',
			send_hint_ready: 'Đã xem trước: kiểm tra nội dung bên cạnh rồi bấm “Gửi”.',
			send_hint_stale: 'Nội dung đã thay đổi: hãy bấm “Xem trước” lại.',
			send_hint_nothing: 'Không có tin nào để gửi.',
			v_name: 'Hãy nhập tên đợt gửi.',
			v_template: 'Hãy nhập mẫu tin nhắn.',
			v_csv: 'Hãy chọn tệp CSV người nhận.',
			v_csv_encoding: 'Tệp CSV không phải UTF-8 (chữ có dấu sẽ bị lỗi). Trong Excel, chọn Lưu thành “CSV UTF-8 (Comma delimited)” rồi chọn lại tệp.',
			v_time: '“{field}” chưa đúng dạng ngày giờ (ví dụ 2026-12-01 08:00).',
			v_rate: 'Tốc độ phải là số nguyên lớn hơn 0.',
			field_bad: 'Ô “{field}” chưa hợp lệ.',

			pv_title: 'Xem trước',
			pv_stale: 'Biểu mẫu đã thay đổi sau lần xem trước này.',
			pv_accepted: 'Người nhận hợp lệ',
			pv_duplicates: 'Trùng (chỉ gửi một lần)',
			pv_opted_out: 'Đã từ chối nhận tin',
			pv_invalid: 'Dòng bị loại',
			pv_invalid_title: 'Các dòng bị loại',
			pv_invalid_some: 'Hiện {shown} trong {total} dòng bị loại.',
			pv_line: 'Dòng',
			pv_phone: 'Số điện thoại',
			pv_reason: 'Lý do',
			pv_cost: 'Chi phí',
			pv_messages: 'Tin nhắn',
			pv_segments: 'SMS tính cước',
			pv_encoding: 'Kiểu mã hóa',
			enc_gsm7: 'Không dấu (GSM-7, 160 ký tự/SMS)',
			enc_ucs2: 'Có dấu hoặc ký tự đặc biệt (UCS-2, 70 ký tự/SMS)',
			pv_ucs2_warn: '{n} tin có dấu hoặc ký tự đặc biệt (UCS-2): mỗi SMS chỉ chứa 70 ký tự nên tốn cước hơn. Viết không dấu, không ký tự đặc biệt để rẻ hơn.',
			pv_when: 'Bắt đầu: {schedule}. Hết hạn: {expires}. Tốc độ: {rate} tin/giây.',
			pv_samples: 'Tin mẫu',
			pv_samples_hint: 'Đúng như điện thoại của người nhận sẽ hiển thị.',
			pv_sample_meta: '{chars} ký tự · {enc} · {segments} SMS',

			requests_title: 'Yêu cầu thủ tục của công dân',
			req_since: 'Từ ngày',
			req_kind_filter: 'Loại yêu cầu',
			req_kind_all: 'Tất cả',
			req_show: 'Xem',
			req_count: '{n} yêu cầu',
			req_empty: 'Không có yêu cầu nào trong khoảng này.',
			req_time: 'Thời gian',
			req_ref: 'Mã yêu cầu',
			req_kind: 'Loại',
			req_phone: 'Số điện thoại',
			req_channel: 'Kênh',
			req_fields: 'Nội dung',
			kind_callback: 'Hẹn gọi lại hỗ trợ',
			kind_visit: 'Đặt lịch đến Trung tâm PVHCC',
			kind_rating: 'Đánh giá hồ sơ',
			kind_feedback: 'Góp ý',
			field_topic: 'Chủ đề',
			field_commune: 'Xã/phường',
			field_hamlet: 'Thôn/xóm',
			field_code: 'Mã hồ sơ',
			field_rating: 'Điểm',
			field_text: 'Nội dung',
			field_day: 'Ngày',
			field_slot: 'Giờ',
			value_online_filing: 'Nộp hồ sơ trực tuyến',
			value_vneid: 'Tài khoản VNeID',
			value_payment: 'Thanh toán trực tuyến',
			value_other: 'Việc khác',

			nav_applications: 'Hồ sơ nộp qua điện thoại',
			applications_title: 'Hồ sơ công dân nộp qua điện thoại',
			apps_intro: 'Hồ sơ công dân nộp bằng tin nhắn hoặc *8088#, mới nhất trước. Chọn trạng thái tiếp theo cho từng hồ sơ; công dân nhận tin nhắn báo, kèm lý do nếu có.',
			apps_status_filter: 'Trạng thái',
			apps_status_all: 'Tất cả',
			apps_filed: 'Nộp lúc',
			apps_code: 'Mã hồ sơ',
			apps_procedure: 'Thủ tục',
			apps_facts: 'Thông tin công dân khai',
			apps_status: 'Trạng thái',
			apps_due: 'Hẹn trả',
			apps_action: 'Chuyển trạng thái',
			apps_next: 'Trạng thái mới',
			apps_reason: 'Lý do (công dân đọc được)',
			apps_reason_hint: 'Bắt buộc khi không tiếp nhận; tối đa 100 ký tự.',
			apps_save: 'Cập nhật',
			apps_saving: 'Đang lưu…',
			apps_count: '{n} hồ sơ',
			apps_more: 'Chỉ hiện những hồ sơ mới nhất; chọn trạng thái để lọc.',
			apps_empty: 'Không có hồ sơ nào.',
			apps_reason_needed: 'Hãy ghi lý do: công dân sẽ đọc lý do này trong tin nhắn báo.',
			apps_reason_bad: 'Lý do chưa hợp lệ.',
			apps_not_found: 'Không tìm thấy hồ sơ này nữa (có thể đã hết hạn lưu).',
			apps_done: 'Hồ sơ {code}: {status}. {notice}',
			notice_queued: 'Đã gửi tin nhắn báo cho công dân.',
			notice_none: 'Không có tin nhắn báo cho trạng thái này.',
			notice_off: 'Không gửi tin nhắn báo.',
			notice_opted_out: 'Công dân đã từ chối nhận tin nhắn: không gửi tin báo.',
			st_1: 'Mới đăng ký',
			st_2: 'Được tiếp nhận',
			st_3: 'Không được tiếp nhận',
			st_4: 'Đang xử lý',
			st_5: 'Yêu cầu bổ sung giấy tờ',
			st_6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
			st_7: 'Công dân yêu cầu rút hồ sơ',
			st_8: 'Dừng xử lý',
			st_9: 'Đã xử lý xong',
			st_10: 'Đã trả kết quả',
			form_cccd: 'Số CCCD',
			form_copies: 'Số bản',
			form_name: 'Họ tên',
			form_dob: 'Ngày sinh',
			form_commune: 'Xã/phường',
			kind_application: 'Nộp hồ sơ qua điện thoại',

			err_network: 'Không kết nối được tới máy chủ. Kiểm tra mạng rồi thử lại.',
			err_400: 'Máy chủ không nhận dữ liệu này.',
			err_401: 'Mã truy cập không đúng.',
			err_404: 'Không tìm thấy (có thể đã bị xóa).',
			err_405: 'Máy chủ không hỗ trợ thao tác này.',
			err_409: 'Không làm được việc này ở trạng thái hiện tại.',
			err_413: 'Dữ liệu quá lớn: tệp quá nặng hoặc quá nhiều người nhận. Hãy chia nhỏ danh sách.',
			err_415: 'Máy chủ không nhận kiểu dữ liệu này.',
			err_503: 'Máy chủ tạm thời không dùng được cơ sở dữ liệu. Chưa có gì được thực hiện; hãy thử lại sau ít phút.',
			err_other: 'Máy chủ báo lỗi {status}.',
			err_server_says: 'Chi tiết từ máy chủ',
			dash: '–'
		},
		en: {
			page_title: 'citizengw — Staff page',
			app_title: 'Messages to citizens — staff page',
			lang_switch: 'Tiếng Việt',
			lang_switch_label: 'Chuyển sang tiếng Việt',
			logout: 'Log out',
			nav_label: 'Main sections',
			nav_overview: 'Overview',
			nav_broadcasts: 'Broadcasts',
			nav_new: 'New broadcast',
			nav_requests: 'Procedure requests',

			login_title: 'Log in',
			login_token: 'Access token (API token)',
			login_hint: 'Given by your administrator. The page keeps it in this browser tab only; close the tab and you type it again.',
			login_submit: 'Log in',
			login_checking: 'Checking…',
			login_empty: 'Type the access token.',
			login_wrong: 'Wrong access token.',
			login_expired: 'The access token is no longer accepted. Please log in again.',
			login_out: 'Logged out.',

			updated_at: 'Updated at {time}',
			updated_auto: 'updates every {n} seconds',
			offline: 'Connection lost, retrying…',

			overview_title: 'Overview',
			overview_redis: 'Database (Redis)',
			overview_version: 'Version',
			overview_instance: 'Process',
			overview_binds: 'Links to the SMS centre',
			overview_binds_hint: 'BOUND: connected, messages go out and come in.',
			overview_no_binds: 'No link is configured.',
			overview_queues: 'Queues',
			bind_id: 'Name',
			bind_role: 'Role',
			bind_state: 'State',
			bind_since: 'Since',
			bind_window: 'Window',
			bind_in_flight: 'Awaiting answer',
			bind_tps: 'Max messages/s',
			bind_BOUND: 'Connected',
			bind_down: 'Not connected',
			redis_ready: 'ready',
			redis_down: 'unreachable',
			queue_replies: 'Replies waiting',
			queue_broadcast: 'Broadcast messages waiting',
			queue_open_mos: 'Incoming messages in progress',

			broadcasts_title: 'Broadcasts',
			broadcasts_new: 'New broadcast',
			broadcasts_empty: 'No broadcast yet.',
			broadcasts_created: 'Created “{name}” ({id}). Its progress is below and updates by itself.',
			bc_id: 'Id',
			bc_created: 'Created',
			bc_schedule: 'Starts',
			bc_expires: 'Expires',
			bc_rate: 'Rate',
			bc_rate_value: '{n} messages/s',
			bc_total: 'Recipients',
			bc_progress: 'Progress',
			bc_progress_text: '{done} of {total} recipients have a final state',
			bc_pause: 'Pause',
			bc_resume: 'Resume',
			bc_cancel: 'Cancel',
			bc_report: 'Download report (CSV)',
			bc_report_loading: 'Downloading…',
			bc_report_file: 'report',
			bc_confirm_cancel: 'Cancel “{name}” for good?\nRecipients not sent yet will get nothing. A cancelled broadcast cannot be resumed.',
			state_scheduled: 'Scheduled',
			state_running: 'Sending',
			state_paused: 'Paused',
			state_quiet: 'Waiting for quiet hours to end',
			state_cancelled: 'Cancelled',
			state_done: 'Done',
			state_expired: 'Expired',
			count_pending: 'Pending',
			count_queued: 'Queued',
			count_sent: 'Accepted by SMS centre',
			count_delivered: 'Delivered',
			count_failed: 'Failed',
			count_expired: 'Expired',
			count_opted_out: 'Opted out',
			count_cancelled: 'Cancelled',

			new_title: 'New broadcast',
			new_intro: 'Choose the recipients (a CSV file), write the template, press “Preview” to check the texts and the cost, and only then “Send”.',
			f_name: 'Broadcast name',
			f_name_hint: 'Only staff see it, e.g. Reminder: missing documents, December.',
			f_csv: 'Recipients (CSV file)',
			f_csv_hint: 'The first line names the columns; a phone column is required. In Excel: Save as “CSV UTF-8 (Comma delimited)”.',
			f_csv_info: 'File {file}: {rows} recipient lines, columns: {cols}.',
			f_csv_reading: 'Reading the file…',
			f_csv_no_phone: 'The file has no “phone” column: the server will refuse this list.',
			f_template: 'Message template',
			f_template_vars: 'Variables you can use (click to insert):',
			f_template_vars_none: 'Choose the CSV file to see its variables, e.g. {name}.',
			f_template_unknown: 'The CSV file has no column named {vars}.',
			f_template_count: '{n} characters in the template (before variables are filled in).',
			f_schedule: 'Start sending at',
			f_schedule_hint: 'Vietnam time. Empty: send now.',
			f_expires: 'Expires at',
			f_expires_hint: 'Nothing is sent after it. Empty: 24 hours after the start.',
			f_rate: 'Rate (messages/s)',
			f_rate_hint: 'Empty: the system setting.',
			btn_preview: 'Preview',
			btn_previewing: 'Checking…',
			btn_send: 'Send',
			btn_send_n: 'Send {n} messages',
			btn_sending: 'Creating…',
			btn_reset: 'Start over',
			send_hint_first: '“Send” is enabled only after a preview.',
			send_hint_ready: 'Previewed: check what it will say, then press “Send”.',
			send_hint_stale: 'The form changed: press “Preview” again.',
			send_hint_nothing: 'There is no message to send.',
			v_name: 'Type a name for the broadcast.',
			v_template: 'Type the message template.',
			v_csv: 'Choose the recipients’ CSV file.',
			v_csv_encoding: 'The CSV file is not UTF-8 (Vietnamese letters would be garbled). In Excel, Save as “CSV UTF-8 (Comma delimited)” and choose the file again.',
			v_time: '“{field}” is not a date and time (e.g. 2026-12-01 08:00).',
			v_rate: 'The rate must be a whole number above 0.',
			field_bad: 'The field “{field}” is not valid.',

			pv_title: 'Preview',
			pv_stale: 'The form has changed since this preview.',
			pv_accepted: 'Recipients accepted',
			pv_duplicates: 'Duplicates (sent once)',
			pv_opted_out: 'Opted out',
			pv_invalid: 'Lines rejected',
			pv_invalid_title: 'Rejected lines',
			pv_invalid_some: 'Showing {shown} of {total} rejected lines.',
			pv_line: 'Line',
			pv_phone: 'Phone',
			pv_reason: 'Reason',
			pv_cost: 'Cost',
			pv_messages: 'Messages',
			pv_segments: 'SMS billed',
			pv_encoding: 'Encoding',
			enc_gsm7: 'Without diacritics (GSM-7, 160 characters/SMS)',
			enc_ucs2: 'With diacritics or special characters (UCS-2, 70 characters/SMS)',
			pv_ucs2_warn: '{n} messages have diacritics or special characters (UCS-2): an SMS then holds only 70 characters and costs more. Write without them to pay less.',
			pv_when: 'Starts: {schedule}. Expires: {expires}. Rate: {rate} messages/s.',
			pv_samples: 'Sample messages',
			pv_samples_hint: 'Exactly as the recipient’s phone will show them.',
			pv_sample_meta: '{chars} characters · {enc} · {segments} SMS',

			requests_title: 'Citizens’ procedure requests',
			req_since: 'Since',
			req_kind_filter: 'Kind of request',
			req_kind_all: 'All',
			req_show: 'Show',
			req_count: '{n} requests',
			req_empty: 'No request in this period.',
			req_time: 'Time',
			req_ref: 'Reference',
			req_kind: 'Kind',
			req_phone: 'Phone',
			req_channel: 'Channel',
			req_fields: 'Details',
			kind_callback: 'Callback from the digital team',
			kind_visit: 'Visit to the service center',
			kind_rating: 'Dossier rating',
			kind_feedback: 'Feedback',
			field_topic: 'Topic',
			field_commune: 'Commune',
			field_hamlet: 'Hamlet',
			field_code: 'Dossier',
			field_rating: 'Rating',
			field_text: 'Text',
			field_day: 'Day',
			field_slot: 'Time',
			value_online_filing: 'Filing a dossier online',
			value_vneid: 'VNeID account',
			value_payment: 'Paying online',
			value_other: 'Something else',

			nav_applications: 'Applications',
			applications_title: 'Applications filed by phone',
			apps_intro: 'Applications citizens filed by SMS or *8088#, newest first. Choose the next status of each; the citizen gets an SMS about it, with the reason if there is one.',
			apps_status_filter: 'Status',
			apps_status_all: 'All',
			apps_filed: 'Filed',
			apps_code: 'Dossier',
			apps_procedure: 'Procedure',
			apps_facts: 'What the citizen gave',
			apps_status: 'Status',
			apps_due: 'Due',
			apps_action: 'Change the status',
			apps_next: 'New status',
			apps_reason: 'Reason (the citizen reads it)',
			apps_reason_hint: 'Required when not accepted; 100 characters at most.',
			apps_save: 'Update',
			apps_saving: 'Saving…',
			apps_count: '{n} applications',
			apps_more: 'Only the newest applications are shown; choose a status to narrow the list.',
			apps_empty: 'No application.',
			apps_reason_needed: 'Give the reason: the citizen reads it in the SMS.',
			apps_reason_bad: 'The reason is not valid.',
			apps_not_found: 'This dossier is gone (it may have expired).',
			apps_done: 'Dossier {code}: {status}. {notice}',
			notice_queued: 'The citizen is sent an SMS about it.',
			notice_none: 'This status sends no SMS.',
			notice_off: 'No SMS sent.',
			notice_opted_out: 'The citizen refuses messages: no SMS sent.',
			st_1: 'Newly registered',
			st_2: 'Received',
			st_3: 'Not accepted',
			st_4: 'In progress',
			st_5: 'Additional documents required',
			st_6: 'Fee payment required',
			st_7: 'Withdrawn by the citizen',
			st_8: 'Processing stopped',
			st_9: 'Processed',
			st_10: 'Result returned',
			form_cccd: 'Citizen ID',
			form_copies: 'Copies',
			form_name: 'Name',
			form_dob: 'Date of birth',
			form_commune: 'Commune',
			kind_application: 'Application by phone',

			err_network: 'Cannot reach the server. Check the network and try again.',
			err_400: 'The server did not accept this data.',
			err_401: 'Wrong access token.',
			err_404: 'Not found (it may have been removed).',
			err_405: 'The server does not support this action.',
			err_409: 'This cannot be done in the current state.',
			err_413: 'Too much data: the file is too large or lists too many recipients. Split the list.',
			err_415: 'The server does not accept this kind of data.',
			err_503: 'The server cannot reach its database right now. Nothing was done; try again in a few minutes.',
			err_other: 'The server answered with error {status}.',
			err_server_says: 'Details from the server',
			dash: '–'
		}
	};

	var TOKEN_KEY = 'citizengw.token';
	var LANG_KEY = 'citizengw.lang';
	var OFFSET = '+07:00';		/* Vietnam time: the form's, the clock's */
	var STATUS_EVERY = 5000;	/* ms, overview */
	var ACTIVE_EVERY = 2000;	/* ms, broadcasts while one is sending */
	var IDLE_EVERY = 15000;		/* ms, broadcasts otherwise */
	var VIEWS = ['overview', 'broadcasts', 'new', 'requests', 'applications'];
	/* the statuses staff give an application from this page, in the
	 * order they are offered (docs/staff.md) */
	var NEXT_STATUSES = [4, 5, 9, 3];
	var APPS_LIMIT = 200;
	var ACTIVE_STATES = ['scheduled', 'running', 'quiet'];
	var COUNT_KEYS = ['delivered', 'sent', 'failed', 'expired', 'opted_out',
		'cancelled', 'queued', 'pending'];
	/* which action a state allows (docs/api.md: 409 otherwise) */
	var ACTIONS = {
		pause: ['scheduled', 'running', 'quiet'],
		resume: ['paused'],
		cancel: ['scheduled', 'running', 'quiet', 'paused']
	};
	/* field names in a 400's message, and the input they belong to */
	var FIELD_INPUTS = {
		name: ['bc-name', 'f_name'],
		template: ['bc-template', 'f_template'],
		recipients_csv: ['bc-csv', 'f_csv'],
		schedule_at: ['bc-schedule', 'f_schedule'],
		expires_at: ['bc-expires', 'f_expires'],
		rate: ['bc-rate', 'f_rate']
	};

	var S = {
		lang: 'vi',
		token: null,
		session: 0,		/* +1 at each log-in and log-out */
		timers: {},
		view: null,
		status: null,
		statusAt: null,
		statusError: null,
		broadcasts: null,
		broadcastsAt: null,
		broadcastsError: null,
		/* +1 at each action on a broadcast: a list asked for before it
		 * is older than the action's answer and is dropped */
		broadcastsGen: 0,
		cards: {},		/* broadcast id -> its card's elements */
		created: null,		/* the broadcast this page just created */
		csv: null,		/* {file, text, columns, rows, hasPhone, bad} */
		preview: null,		/* {body, result, stale} */
		requests: null,
		requestsAt: null,
		apps: null,		/* applications, newest first */
		appsAt: null,
		appsMore: false,
		appsDone: null,		/* {code, status, notice}: the last change */
		appRows: {}		/* code -> {next, reason, error, busy}: per row */
	};

	/* --- small helpers ---------------------------------------------------- */

	function $(id) {
		return document.getElementById(id);
	}

	function t(key, params) {
		var s = TEXTS[S.lang][key];

		if (s === undefined)
			s = TEXTS.vi[key];
		if (s === undefined)
			return key;
		return s.replace(/\{(\w+)\}/g, function (m, k) {
			return params && params[k] !== undefined ? String(params[k]) : m;
		});
	}

	/* a translated text when the table has one, else the raw value */
	function tOr(key, raw) {
		return TEXTS[S.lang][key] !== undefined ? TEXTS[S.lang][key] : raw;
	}

	function el(tag, attrs, children) {
		var e = document.createElement(tag);
		var k;

		if (attrs) {
			for (k in attrs) {
				if (!attrs.hasOwnProperty(k) || attrs[k] === undefined || attrs[k] === null)
					continue;
				if (k === 'text')
					e.textContent = attrs[k];
				else if (k === 'className')
					e.className = attrs[k];
				else
					e.setAttribute(k, attrs[k]);
			}
		}
		(children || []).forEach(function (c) {
			if (c !== null && c !== undefined)
				e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
		});
		return e;
	}

	function clear(node) {
		while (node.firstChild)
			node.removeChild(node.firstChild);
	}

	function show(node, on) {
		node.hidden = !on;
	}

	function num(n) {
		if (typeof n !== 'number' || !isFinite(n))
			return t('dash');
		return n.toLocaleString(S.lang === 'vi' ? 'vi-VN' : 'en-GB');
	}

	function setNum(node, n) {
		node.textContent = num(n);
		node.setAttribute('data-value', typeof n === 'number' ? String(n) : '');
	}

	/* The server's local time as it wrote it: 2026-12-04T09:00:00+07:00
	 * becomes 04/12/2026 09:00 (vi) or 2026-12-04 09:00 (en); another
	 * offset is kept visible. */
	function fmtTime(iso, withSeconds) {
		var m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d))?(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?$/.exec(iso || '');
		var hm, s;

		if (!m)
			return iso ? String(iso) : t('dash');
		hm = m[4] + ':' + m[5] + (withSeconds && m[6] ? ':' + m[6] : '');
		s = S.lang === 'vi' ? m[3] + '/' + m[2] + '/' + m[1] + ' ' + hm
			: m[1] + '-' + m[2] + '-' + m[3] + ' ' + hm;
		if (m[7] && m[7] !== OFFSET && m[7] !== '+0700')
			s += ' (' + (m[7] === 'Z' ? 'UTC' : 'UTC' + m[7]) + ')';
		return s;
	}

	function timeEl(iso) {
		return el('time', { datetime: iso || undefined, text: fmtTime(iso) });
	}

	/* now in Vietnam time, as the server's times are, whatever the PC's
	 * time zone: a Date whose UTC fields are the local ones */
	function vnNow() {
		return new Date(Date.now() + 7 * 3600e3);
	}

	function clock() {
		var d = vnNow();

		return [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map(pad2).join(':');
	}

	/* ASCII for file names: Vietnamese letters lose their marks, đ is d */
	function fold(s) {
		return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
			.replace(/đ/g, 'd').replace(/Đ/g, 'D');
	}

	function slug(s) {
		return fold(s).toLowerCase().replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '').slice(0, 50);
	}

	function store(kind, key, value) {
		try {
			if (value === null)
				window[kind].removeItem(key);
			else
				window[kind].setItem(key, value);
		} catch (e) {
			/* storage refused (privacy mode): the page still works */
		}
	}

	function load(kind, key) {
		try {
			return window[kind].getItem(key);
		} catch (e) {
			return null;
		}
	}

	/* --- texts and language ---------------------------------------------- */

	function applyTexts() {
		document.documentElement.lang = S.lang;
		Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (n) {
			n.textContent = t(n.getAttribute('data-i18n'));
		});
		Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-aria-label]'), function (n) {
			n.setAttribute('aria-label', t(n.getAttribute('data-i18n-aria-label')));
		});
		var sw = $('lang-switch');
		sw.textContent = t('lang_switch');
		sw.setAttribute('lang', S.lang === 'vi' ? 'en' : 'vi');
		sw.setAttribute('aria-label', t('lang_switch_label'));
		setTitle();
	}

	function setTitle() {
		var key = S.token && S.view ? 'nav_' + S.view : 'login_title';

		document.title = t(key) + ' — ' + t('page_title');
	}

	function setLang(lang) {
		S.lang = TEXTS[lang] ? lang : 'vi';
		store('localStorage', LANG_KEY, S.lang);
		applyTexts();
		renderAll();
	}

	function renderAll() {
		renderStatus();
		renderBroadcasts();
		renderCsvInfo();
		renderTemplateHint();
		renderPreview();
		renderSendButton();
		renderRequests();
		renderApps();
	}

	/* --- the API ---------------------------------------------------------- */

	function ApiError(status, server) {
		this.status = status;
		this.server = server || '';
		this.message = 'HTTP ' + status + (server ? ': ' + server : '');
	}
	ApiError.prototype = Object.create(Error.prototype);

	/* One call to /api/. Resolves with the JSON answer (or a Blob with
	 * opts.blob); rejects with an ApiError (status 0: no answer). A 401
	 * ends the session and shows the login form. An answer that arrives
	 * after the session it was asked in ended (a log-out, another log-in)
	 * is dropped: it rejects with a 401 marked stale, and shows nothing. */
	async function api(method, path, body, opts) {
		var headers = { Authorization: 'Bearer ' + S.token };
		var init = { method: method, headers: headers, cache: 'no-store',
			credentials: 'same-origin' };
		var session = S.session;
		var res, data;

		function ended() {
			var e = new ApiError(401, '');

			e.stale = true;
			return e;
		}

		if (!S.token)
			throw new ApiError(401, '');
		headers.Accept = opts && opts.blob ? 'text/csv' : 'application/json';
		if (body !== undefined) {
			headers['Content-Type'] = 'application/json';
			init.body = JSON.stringify(body);
		}
		try {
			res = await fetch(path, init);
		} catch (e) {
			if (S.session !== session)
				throw ended();
			throw new ApiError(0, e && e.message ? e.message : String(e));
		}
		if (S.session !== session)
			throw ended();
		if (!res.ok) {
			try {
				data = await res.json();
			} catch (e) {
				data = null;
			}
			if (S.session !== session)
				throw ended();
			var err = new ApiError(res.status, data && typeof data.error === 'string' ? data.error : '');
			if (res.status === 401 && !(opts && opts.login))
				loggedOut('login_expired');
			throw err;
		}
		data = await (opts && opts.blob ? res.blob() : res.json());
		if (S.session !== session)
			throw ended();
		return data;
	}

	function errorKey(err) {
		var known = [0, 400, 401, 404, 405, 409, 413, 415, 503];

		if (!(err instanceof ApiError))
			return 'err_other';
		return known.indexOf(err.status) >= 0 ? (err.status === 0 ? 'err_network' : 'err_' + err.status) : 'err_other';
	}

	/* Fills box with what went wrong: our words first, then the server's */
	function showError(box, err, lead) {
		clear(box);
		box.appendChild(el('p', { className: 'msg-lead', text: lead || t(errorKey(err), { status: err.status }) }));
		if (err && err.server)
			box.appendChild(el('p', { className: 'msg-detail' }, [
				t('err_server_says') + ': ', el('code', { text: err.server })]));
		show(box, true);
	}

	function hideError(box) {
		clear(box);
		show(box, false);
	}

	/* --- log in and out --------------------------------------------------- */

	function showLogin(messageKey, isError) {
		var msg = $('login-message');

		show($('login'), true);
		show($('nav'), false);
		show($('logout'), false);
		VIEWS.forEach(function (v) {
			show($('view-' + v), false);
		});
		if (messageKey) {
			msg.textContent = t(messageKey);
			msg.setAttribute('data-i18n', messageKey);	/* follows a language switch */
			msg.className = 'msg ' + (isError ? 'msg-error' : 'msg-ok');
			show(msg, true);
		} else {
			show(msg, false);
		}
		setTitle();
		$('token').focus();
	}

	function stopTimers() {
		Object.keys(S.timers).forEach(function (k) {
			clearTimeout(S.timers[k]);
		});
		S.timers = {};
	}

	/* Forget the token and everything the API told (phones, names) */
	function loggedOut(messageKey) {
		var wasIn = !!S.token;

		S.token = null;
		S.session++;
		store('sessionStorage', TOKEN_KEY, null);
		stopTimers();
		S.status = S.broadcasts = S.requests = S.apps = null;
		S.appRows = {};
		S.appsDone = null;
		S.statusError = S.broadcastsError = null;
		S.created = null;
		S.cards = {};
		clear($('bc-list'));
		resetForm();
		renderAll();
		if (wasIn || messageKey)
			showLogin(messageKey, messageKey !== 'login_out');
	}

	async function login(token, quiet) {
		var btn = $('login-submit');

		S.token = token;
		S.session++;
		btn.disabled = true;
		btn.textContent = t('login_checking');
		try {
			S.status = await api('GET', '/api/status', undefined, { login: true });
			S.statusAt = clock();
		} catch (err) {
			if (err.stale)
				return;		/* logged out (or in again) meanwhile */
			S.token = null;
			if (err.status === 401) {
				store('sessionStorage', TOKEN_KEY, null);
				showLogin(quiet ? 'login_expired' : 'login_wrong', true);
			} else {
				/* the server unreachable: a reload tries the kept token again */
				showLogin(null);
				var msg = $('login-message');
				msg.className = 'msg msg-error';
				msg.removeAttribute('data-i18n');
				showError(msg, err);
			}
			return;
		} finally {
			btn.disabled = false;
			btn.textContent = t('login_submit');
		}
		store('sessionStorage', TOKEN_KEY, token);
		$('token').value = '';
		show($('login'), false);
		show($('nav'), true);
		show($('logout'), true);
		route(true);
		renderStatus();
		schedule('status', refreshStatus, STATUS_EVERY);
		refreshBroadcasts();
	}

	/* --- timers ----------------------------------------------------------- */

	function schedule(name, fn, ms) {
		clearTimeout(S.timers[name]);
		if (S.token)
			S.timers[name] = setTimeout(fn, ms);
	}

	/* --- views (the part after # in the address) ------------------------- */

	function route(initial) {
		var v = location.hash.replace(/^#/, '');

		if (VIEWS.indexOf(v) < 0)
			v = 'overview';
		if (!S.token)
			return;
		S.view = v;
		VIEWS.forEach(function (name) {
			show($('view-' + name), name === v);
		});
		Array.prototype.forEach.call(document.querySelectorAll('#nav a'), function (a) {
			if (a.getAttribute('data-view') === v)
				a.setAttribute('aria-current', 'page');
			else
				a.removeAttribute('aria-current');
		});
		setTitle();
		if (v === 'requests' && S.requests === null)
			refreshRequests();
		if (v === 'applications' && S.apps === null)
			refreshApps();
		if (v === 'broadcasts' && !initial)
			refreshBroadcasts();
		if (!initial)
			$(v + '-title').focus();
	}

	/* --- overview --------------------------------------------------------- */

	async function refreshStatus() {
		try {
			S.status = await api('GET', '/api/status');
			S.statusAt = clock();
			S.statusError = null;
		} catch (err) {
			if (err.status === 401)
				return;
			S.statusError = err;
		}
		renderStatus();
		schedule('status', refreshStatus, STATUS_EVERY);
	}

	function updatedLine(node, at, err, every) {
		clear(node);
		if (at)
			node.appendChild(document.createTextNode(t('updated_at', { time: at }) +
				(every ? ' (' + t('updated_auto', { n: every / 1000 }) + ')' : '')));
		if (err) {
			node.appendChild(el('span', { className: 'offline',
				text: ' ' + (err.status === 0 ? t('offline') : t(errorKey(err), { status: err.status })) }));
		}
	}

	function renderStatus() {
		var st = S.status;
		var body = $('binds-body');
		var binds = st && Array.isArray(st.binds) ? st.binds : [];
		var q = st && st.queues ? st.queues : {};

		updatedLine($('overview-updated'), S.statusAt, S.statusError, STATUS_EVERY);
		$('ov-version').textContent = st && st.version ? st.version : t('dash');
		$('ov-instance').textContent = st && st.instance ? st.instance : t('dash');
		var redis = $('ov-redis');
		redis.textContent = st && st.redis ? (st.redis === 'ready' ? t('redis_ready') : st.redis + ' (' + t('redis_down') + ')') : t('dash');
		redis.className = st && st.redis === 'ready' ? 'ok' : (st ? 'bad' : '');
		clear(body);
		binds.forEach(function (b) {
			var bound = b.state === 'BOUND';
			var stateCell = el('td', { 'data-label': t('bind_state') }, [
				el('span', { className: 'badge ' + (bound ? 'badge-ok' : 'badge-bad'),
					'data-bind-state': b.state, title: b.state,
					text: (bound ? t('bind_BOUND') : t('bind_down')) + ' (' + b.state + ')' })]);
			body.appendChild(el('tr', { 'data-bind': b.id }, [
				el('th', { scope: 'row', 'data-label': t('bind_id'), text: b.id }),
				el('td', { 'data-label': t('bind_role'), text: b.role || t('dash') }),
				stateCell,
				el('td', { 'data-label': t('bind_since') }, [timeEl(b.since)]),
				el('td', { className: 'num', 'data-label': t('bind_window'), text: num(b.window) }),
				el('td', { className: 'num', 'data-label': t('bind_in_flight'), text: num(b.in_flight) }),
				el('td', { className: 'num', 'data-label': t('bind_tps'), text: num(b.tps) })
			]));
		});
		show($('binds-empty'), !!st && binds.length === 0);
		['replies', 'broadcast', 'open_mos'].forEach(function (k) {
			setNum($('q-' + k), q[k]);
		});
	}

	/* --- broadcasts ------------------------------------------------------- */

	function anyActive() {
		return (S.broadcasts || []).some(function (b) {
			return ACTIVE_STATES.indexOf(b.state) >= 0;
		});
	}

	async function refreshBroadcasts() {
		var gen = S.broadcastsGen;

		clearTimeout(S.timers.broadcasts);
		try {
			var res = await api('GET', '/api/broadcasts');
			if (gen !== S.broadcastsGen)
				return;	/* the action's own refresh follows */
			S.broadcasts = Array.isArray(res.broadcasts) ? res.broadcasts : [];
			S.broadcastsAt = clock();
			S.broadcastsError = null;
		} catch (err) {
			if (err.status === 401 || gen !== S.broadcastsGen)
				return;
			S.broadcastsError = err;
		}
		renderBroadcasts();
		schedule('broadcasts', refreshBroadcasts, anyActive() ? ACTIVE_EVERY : IDLE_EVERY);
	}

	/* one broadcast replaced by the server's newer answer (an action's) */
	function mergeBroadcast(b) {
		if (!b || !b.id)
			return;
		S.broadcasts = S.broadcasts || [];
		for (var i = 0; i < S.broadcasts.length; i++) {
			if (S.broadcasts[i].id === b.id) {
				S.broadcasts[i] = Object.assign({}, S.broadcasts[i], b);
				return;
			}
		}
		S.broadcasts.unshift(b);
	}

	function sortedBroadcasts() {
		return (S.broadcasts || []).slice().sort(function (a, b) {
			var x = a.created_at || '', y = b.created_at || '';
			return x < y ? 1 : x > y ? -1 : 0;
		});
	}

	function percent(b) {
		var p = typeof b.progress === 'number' ? b.progress : 0;

		if (p >= 1)
			return 100;
		return Math.max(0, Math.floor(p * 100));
	}

	/* the card of one broadcast, built once and updated in place so that
	 * a button keeps its focus across refreshes */
	function card(b) {
		var c = S.cards[b.id];

		if (c)
			return c;
		c = { id: b.id };
		c.name = el('h2', { className: 'bc-name' });
		c.badge = el('span', { className: 'badge' });
		c.meta = el('dl', { className: 'bc-meta' });
		c.bar = el('div', { className: 'bar', role: 'progressbar', 'aria-valuemin': '0',
			'aria-valuemax': '100' });
		c.percent = el('p', { className: 'bc-percent' });
		c.counts = el('ul', { className: 'counts' });
		c.error = el('div', { className: 'msg msg-error', role: 'alert', hidden: 'hidden' });
		c.buttons = {};
		var actions = el('div', { className: 'buttons' });
		['pause', 'resume', 'cancel', 'report'].forEach(function (a) {
			var btn = el('button', { type: 'button', 'data-action': a,
				className: a === 'cancel' ? 'btn-danger' : (a === 'report' ? 'btn-report' : '') });
			btn.addEventListener('click', function () {
				onAction(c.id, a, btn);
			});
			c.buttons[a] = btn;
			actions.appendChild(btn);
		});
		c.root = el('article', { className: 'bc', 'data-id': b.id }, [
			el('div', { className: 'bc-head' }, [c.name, c.badge]),
			c.meta, c.bar, c.percent, c.counts, c.error, actions]);
		S.cards[b.id] = c;
		return c;
	}

	function metaItem(label, value) {
		return el('div', null, [el('dt', { text: label }),
			el('dd', null, [typeof value === 'string' ? document.createTextNode(value) : value])]);
	}

	function fillCard(c, b) {
		var counts = b.counts || {};
		var sum = 0, done, total, p = percent(b);

		COUNT_KEYS.forEach(function (k) {
			sum += typeof counts[k] === 'number' ? counts[k] : 0;
		});
		total = Math.max(typeof b.total === 'number' ? b.total : 0, sum);
		done = Math.round((typeof b.progress === 'number' ? b.progress : 0) * total);
		c.root.setAttribute('data-state', b.state || '');
		c.root.setAttribute('data-progress', String(p));
		c.root.className = 'bc' + (S.created === b.id ? ' bc-new' : '');
		c.name.textContent = b.name || b.id;
		c.badge.className = 'badge state-' + (b.state || 'unknown');
		c.badge.textContent = tOr('state_' + b.state, b.state || t('dash'));
		clear(c.meta);
		c.meta.appendChild(metaItem(t('bc_id'), b.id));
		c.meta.appendChild(metaItem(t('bc_created'), timeEl(b.created_at)));
		c.meta.appendChild(metaItem(t('bc_schedule'), timeEl(b.schedule_at)));
		c.meta.appendChild(metaItem(t('bc_expires'), timeEl(b.expires_at)));
		c.meta.appendChild(metaItem(t('bc_rate'), t('bc_rate_value', { n: num(b.rate) })));
		c.meta.appendChild(metaItem(t('bc_total'), num(b.total)));

		c.bar.setAttribute('aria-valuenow', String(p));
		c.bar.setAttribute('aria-valuetext', p + '%');
		c.bar.setAttribute('aria-label', t('bc_progress') + ': ' + (b.name || b.id));
		clear(c.bar);
		/* widths through the CSSOM: the daemon's Content-Security-Policy
		 * (default-src 'self') refuses style attributes */
		COUNT_KEYS.forEach(function (k) {
			var seg;

			if (k !== 'pending' && counts[k] > 0 && total > 0) {
				seg = el('span', { className: 'seg seg-' + k });
				seg.style.width = (100 * counts[k] / total).toFixed(2) + '%';
				c.bar.appendChild(seg);
			}
		});
		clear(c.percent);
		c.percent.appendChild(el('strong', { className: 'pct', text: p + '%' }));
		c.percent.appendChild(document.createTextNode(' · ' + t('bc_progress_text', { done: num(done), total: num(total) })));
		clear(c.counts);
		COUNT_KEYS.forEach(function (k) {
			c.counts.appendChild(el('li', { 'data-count': k }, [
				el('span', { className: 'swatch seg-' + k, 'aria-hidden': 'true' }),
				t('count_' + k) + ': ', el('b', { text: num(counts[k] || 0) })]));
		});
		['pause', 'resume', 'cancel'].forEach(function (a) {
			var btn = c.buttons[a];
			btn.textContent = t('bc_' + a);
			show(btn, ACTIONS[a].indexOf(b.state) >= 0);
		});
		if (!c.buttons.report.disabled)
			c.buttons.report.textContent = t('bc_report');
	}

	function renderBroadcasts() {
		var list = $('bc-list');
		var bs = sortedBroadcasts();
		var seen = {};

		updatedLine($('broadcasts-updated'), S.broadcastsAt, S.broadcastsError,
			anyActive() ? ACTIVE_EVERY : 0);
		bs.forEach(function (b, i) {
			var c = card(b);
			seen[b.id] = true;
			fillCard(c, b);
			if (list.children[i] !== c.root)
				list.insertBefore(c.root, list.children[i] || null);
		});
		Object.keys(S.cards).forEach(function (id) {
			if (!seen[id]) {
				var r = S.cards[id].root;
				if (r.parentNode)
					r.parentNode.removeChild(r);
				delete S.cards[id];
			}
		});
		show($('bc-empty'), S.broadcasts !== null && bs.length === 0);
		var msg = $('broadcasts-message');
		if (S.created && S.cards[S.created]) {
			var b = S.broadcasts.filter(function (x) {
				return x.id === S.created;
			})[0];
			msg.textContent = t('broadcasts_created', { name: b.name || '', id: b.id });
			show(msg, true);
		} else {
			show(msg, false);
		}
	}

	function findBroadcast(id) {
		return (S.broadcasts || []).filter(function (b) {
			return b.id === id;
		})[0];
	}

	async function onAction(id, action, btn) {
		var c = S.cards[id];
		var b = findBroadcast(id);

		if (!b)
			return;
		hideError(c.error);
		if (action === 'report')
			return downloadReport(b, c, btn);
		if (action === 'cancel' && !window.confirm(t('bc_confirm_cancel', { name: b.name || b.id })))
			return;
		btn.disabled = true;
		S.broadcastsGen++;
		try {
			var res = await api('POST', '/api/broadcasts/' + encodeURIComponent(id) + '/' + action);
			mergeBroadcast(res);
			renderBroadcasts();
		} catch (err) {
			if (err.status !== 401)
				showError(c.error, err);
		} finally {
			btn.disabled = false;
		}
		refreshBroadcasts();
	}

	/* GET report.csv with the token, then save it under a readable name */
	async function downloadReport(b, c, btn) {
		btn.disabled = true;
		btn.textContent = t('bc_report_loading');
		try {
			var blob = await api('GET', '/api/broadcasts/' + encodeURIComponent(b.id) + '/report.csv',
				undefined, { blob: true });
			var base = [t('bc_report_file'), slug(b.name), slug(b.id)].filter(Boolean).join('-');
			saveBlob(blob, base + '.csv');
		} catch (err) {
			if (err.status !== 401)
				showError(c.error, err);
		} finally {
			btn.disabled = false;
			btn.textContent = t('bc_report');
		}
	}

	function saveBlob(blob, filename) {
		if (window.navigator.msSaveOrOpenBlob) {	/* old Edge */
			window.navigator.msSaveOrOpenBlob(blob, filename);
			return;
		}
		var url = URL.createObjectURL(blob);
		var a = el('a', { href: url, download: filename, hidden: 'hidden' });
		document.body.appendChild(a);	/* Firefox clicks only links in the page */
		a.click();
		setTimeout(function () {
			URL.revokeObjectURL(url);
			document.body.removeChild(a);
		}, 2000);
	}

	/* --- the recipients' CSV (read here only for hints) ------------------- */

	/* RFC 4180 records of text; the separator as the daemon guesses it
	 * (common/csv.c): ';' when the header has ';' and no ','. */
	function parseCsv(text) {
		var nl = text.indexOf('\n');
		var head = nl < 0 ? text : text.slice(0, nl);
		var sep = head.indexOf(';') >= 0 && head.indexOf(',') < 0 ? ';' : ',';
		var rows = [], row = [], field = '', i = 0, q = false, ch;

		for (; i < text.length; i++) {
			ch = text[i];
			if (q) {
				if (ch === '"' && text[i + 1] === '"') {
					field += '"';
					i++;
				} else if (ch === '"') {
					q = false;
				} else {
					field += ch;
				}
			} else if (ch === '"') {
				q = true;
			} else if (ch === sep) {
				row.push(field);
				field = '';
			} else if (ch === '\n' || ch === '\r') {
				if (ch === '\r' && text[i + 1] === '\n')
					i++;
				row.push(field);
				rows.push(row);
				row = [];
				field = '';
			} else {
				field += ch;
			}
		}
		if (field !== '' || row.length)
			rows.push(row.concat([field]));
		return rows.filter(function (r) {
			return r.length > 1 || r[0].trim() !== '';
		});
	}

	function readFile(file) {
		return new Promise(function (resolve, reject) {
			var r = new FileReader();
			r.onload = function () {
				resolve(r.result);
			};
			r.onerror = function () {
				reject(r.error);
			};
			r.readAsText(file, 'UTF-8');
		});
	}

	async function onCsvChosen() {
		var input = $('bc-csv');
		var file = input.files && input.files[0];

		invalidatePreview();
		S.csv = null;
		if (!file) {
			renderCsvInfo();
			renderTemplateHint();
			return;
		}
		$('bc-csv-info').textContent = t('f_csv_reading');
		try {
			var text = (await readFile(file)).replace(/^\uFEFF/, '');
			var rows = parseCsv(text);
			var columns = (rows[0] || []).map(function (h) {
				return h.trim();
			});
			S.csv = {
				file: file.name,
				text: text,
				columns: columns,
				rows: Math.max(0, rows.length - 1),
				hasPhone: columns.indexOf('phone') >= 0,
				bad: text.indexOf('\uFFFD') >= 0	/* not UTF-8 */
			};
		} catch (err) {
			S.csv = null;
			showError($('bc-error'), new ApiError(0, String(err && err.message || err)), t('v_csv'));
		}
		renderCsvInfo();
		renderTemplateHint();
	}

	function variables() {
		return S.csv ? S.csv.columns.filter(function (c) {
			return c && c !== 'phone';
		}) : [];
	}

	function renderCsvInfo() {
		var box = $('bc-csv-info');

		clear(box);
		box.className = 'hint';
		if (!S.csv)
			return;
		box.appendChild(document.createTextNode(t('f_csv_info', { file: S.csv.file,
			rows: num(S.csv.rows), cols: S.csv.columns.join(', ') })));
		if (S.csv.bad || !S.csv.hasPhone) {
			box.className = 'hint hint-warn';
			box.appendChild(el('br'));
			box.appendChild(el('strong', { text: S.csv.bad ? t('v_csv_encoding') : t('f_csv_no_phone') }));
		}
	}

	function templateVars(text) {
		var out = [], m, re = /\{([^{}\s]+)\}/g;

		while ((m = re.exec(text)) !== null) {
			if (out.indexOf(m[1]) < 0)
				out.push(m[1]);
		}
		return out;
	}

	function renderTemplateHint() {
		var box = $('bc-template-vars');
		var vars = variables();
		var tpl = $('bc-template').value;

		clear(box);
		if (!S.csv) {
			box.appendChild(document.createTextNode(t('f_template_vars_none')));
		} else {
			box.appendChild(document.createTextNode(t('f_template_vars') + ' '));
			vars.forEach(function (v) {
				var b = el('button', { type: 'button', className: 'chip', 'data-var': v,
					text: '{' + v + '}' });
				b.addEventListener('click', function () {
					insertVar(v);
				});
				box.appendChild(b);
				box.appendChild(document.createTextNode(' '));
			});
			/* {name}, {code} and {date} may be the server's own (docs/api.md) */
			var unknown = templateVars(tpl).filter(function (v) {
				return vars.indexOf(v) < 0 && ['name', 'code', 'date'].indexOf(v) < 0;
			});
			if (unknown.length)
				box.appendChild(el('p', { className: 'hint-warn', text: t('f_template_unknown', {
					vars: unknown.map(function (v) {
						return '{' + v + '}';
					}).join(', ') }) }));
		}
		$('bc-template-count').textContent = t('f_template_count', { n: Array.from(tpl).length });
	}

	function insertVar(v) {
		var ta = $('bc-template');
		var s = ta.selectionStart, e = ta.selectionEnd, ins = '{' + v + '}';

		if (typeof s !== 'number') {
			ta.value += ins;
		} else {
			ta.value = ta.value.slice(0, s) + ins + ta.value.slice(e);
			ta.selectionStart = ta.selectionEnd = s + ins.length;
		}
		ta.focus();
		invalidatePreview();
		renderTemplateHint();
	}

	/* --- new broadcast: the request, the preview, the send ----------------- */

	/* datetime-local gives 2026-12-01T08:00; a browser without it gives
	 * what the person typed: 2026-12-01 08:00 or 01/12/2026 08:00 */
	function timeValue(id) {
		var v = $(id).value.trim(), m;

		if (!v)
			return '';
		m = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
		if (m)
			return m[1] + '-' + pad2(m[2]) + '-' + pad2(m[3]) + 'T' + pad2(m[4]) + ':' + m[5] + ':' + (m[6] || '00') + OFFSET;
		m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/.exec(v);
		if (m)
			return m[3] + '-' + pad2(m[2]) + '-' + pad2(m[1]) + 'T' + pad2(m[4]) + ':' + m[5] + ':00' + OFFSET;
		return null;
	}

	function pad2(s) {
		return String(s).padStart(2, '0');
	}

	function fieldProblem(id, key, params) {
		return { input: id, text: t(key, params) };
	}

	/* The body of POST /api/broadcasts from the form, or a problem */
	function formBody() {
		var name = $('bc-name').value.trim();
		var tpl = $('bc-template').value.replace(/\s+$/, '');
		var rate = $('bc-rate').value.trim();
		var body = { name: name, template: tpl };
		var sched = timeValue('bc-schedule'), exp = timeValue('bc-expires');

		if (!name)
			return fieldProblem('bc-name', 'v_name');
		if (!S.csv)
			return fieldProblem('bc-csv', 'v_csv');
		if (S.csv.bad)
			return fieldProblem('bc-csv', 'v_csv_encoding');
		if (!tpl)
			return fieldProblem('bc-template', 'v_template');
		if (sched === null)
			return fieldProblem('bc-schedule', 'v_time', { field: t('f_schedule') });
		if (exp === null)
			return fieldProblem('bc-expires', 'v_time', { field: t('f_expires') });
		if (rate && !/^[1-9]\d*$/.test(rate))
			return fieldProblem('bc-rate', 'v_rate');
		body.recipients_csv = S.csv.text;
		if (sched)
			body.schedule_at = sched;
		if (exp)
			body.expires_at = exp;
		if (rate)
			body.rate = parseInt(rate, 10);
		return { body: body };
	}

	function markInvalid(id) {
		Array.prototype.forEach.call(document.querySelectorAll('#bc-form [aria-invalid]'), function (n) {
			n.removeAttribute('aria-invalid');
		});
		if (id) {
			$(id).setAttribute('aria-invalid', 'true');
			$(id).focus();
		}
	}

	/* A 400 names its field first ("expires_at: ..."): say which input */
	function showFormError(err) {
		var m = /^([a-z_]+)(?:\[\d+\])?:/.exec(err.server || '');
		var f = err.status === 400 && m ? FIELD_INPUTS[m[1]] : null;

		showError($('bc-error'), err, f ? t('field_bad', { field: t(f[1]) }) : null);
		markInvalid(f ? f[0] : null);
	}

	async function onPreview(ev) {
		ev.preventDefault();
		var f = formBody();
		var btn = $('bc-preview');

		hideError($('bc-error'));
		markInvalid(null);
		if (f.text) {
			showError($('bc-error'), null, f.text);
			markInvalid(f.input);
			return;
		}
		btn.disabled = true;
		btn.textContent = t('btn_previewing');
		try {
			var res = await api('POST', '/api/broadcasts', Object.assign({}, f.body, { dry_run: true }));
			S.preview = { body: f.body, result: res, stale: false };
		} catch (err) {
			if (err.status !== 401)
				showFormError(err);
		} finally {
			btn.disabled = false;
			btn.textContent = t('btn_preview');
		}
		renderPreview();
		renderSendButton();
		if (S.preview && !S.preview.stale && window.matchMedia && window.matchMedia('(max-width: 999px)').matches)
			$('preview').scrollIntoView();
	}

	function invalidatePreview() {
		if (S.preview && !S.preview.stale) {
			S.preview.stale = true;
			renderPreview();
			renderSendButton();
		}
	}

	function sendable() {
		var r = S.preview && S.preview.result;

		return !!r && !S.preview.stale && r.cost && r.cost.messages > 0;
	}

	function renderSendButton() {
		var btn = $('bc-send');
		var r = S.preview && S.preview.result;
		var hint;

		if (btn.getAttribute('data-busy'))
			return;
		btn.disabled = !sendable();
		btn.textContent = sendable() ? t('btn_send_n', { n: num(r.cost.messages) }) : t('btn_send');
		if (!S.preview)
			hint = 'send_hint_first';
		else if (S.preview.stale)
			hint = 'send_hint_stale';
		else if (!sendable())
			hint = 'send_hint_nothing';
		else
			hint = 'send_hint_ready';
		$('bc-send-hint').textContent = t(hint);
	}

	async function onSend() {
		var btn = $('bc-send');

		if (!sendable())
			return;
		hideError($('bc-error'));
		btn.disabled = true;
		btn.setAttribute('data-busy', '1');
		btn.textContent = t('btn_sending');
		try {
			/* the very body that was previewed, without dry_run */
			var res = await api('POST', '/api/broadcasts', S.preview.body);
			S.created = res.id;
			if (!res.name)
				res.name = S.preview.body.name;
			mergeBroadcast(res);
			resetForm();
			location.hash = '#broadcasts';
			renderBroadcasts();
		} catch (err) {
			if (err.status !== 401)
				showFormError(err);
		} finally {
			btn.removeAttribute('data-busy');
			renderSendButton();
		}
	}

	function resetForm() {
		$('bc-form').reset();
		clearFormState();
	}

	/* what the page knows beside the inputs: the file read, the preview */
	function clearFormState() {
		S.csv = null;
		S.preview = null;
		hideError($('bc-error'));
		markInvalid(null);
		renderCsvInfo();
		renderTemplateHint();
		renderPreview();
		renderSendButton();
	}

	function renderPreview() {
		var box = $('preview');
		var r = S.preview && S.preview.result;

		show(box, !!r);
		if (!r)
			return;
		var rec = r.recipients || {};
		var invalid = Array.isArray(rec.invalid) ? rec.invalid : [];
		var invalidCount = typeof rec.invalid_count === 'number' ? rec.invalid_count : invalid.length;
		var cost = r.cost || {};
		var enc = cost.by_encoding || {};

		show($('pv-stale'), S.preview.stale);
		box.className = 'preview' + (S.preview.stale ? ' preview-stale' : '');
		setNum($('pv-accepted'), rec.accepted);
		setNum($('pv-duplicates'), rec.duplicates);
		setNum($('pv-opted_out'), rec.opted_out);
		setNum($('pv-invalid_count'), invalidCount);

		var ib = $('pv-invalid-body');
		clear(ib);
		invalid.forEach(function (x) {
			ib.appendChild(el('tr', null, [
				el('td', { className: 'num', 'data-label': t('pv_line'), text: String(x.line) }),
				el('td', { 'data-label': t('pv_phone'), text: x.phone || '' }),
				el('td', { 'data-label': t('pv_reason'), text: x.error || '' })]));
		});
		show($('pv-invalid-box'), invalidCount > 0);
		$('pv-invalid-note').textContent = invalid.length < invalidCount
			? t('pv_invalid_some', { shown: num(invalid.length), total: num(invalidCount) }) : '';

		setNum($('pv-messages'), cost.messages);
		setNum($('pv-segments'), cost.segments);
		var eb = $('pv-enc-body');
		clear(eb);
		Object.keys(enc).forEach(function (k) {
			eb.appendChild(el('tr', { 'data-encoding': k }, [
				el('th', { scope: 'row', 'data-label': t('pv_encoding'), text: tOr('enc_' + k, k) }),
				el('td', { className: 'num', 'data-label': t('pv_messages'), 'data-value': String(enc[k].messages), text: num(enc[k].messages) }),
				el('td', { className: 'num', 'data-label': t('pv_segments'), 'data-value': String(enc[k].segments), text: num(enc[k].segments) })]));
		});
		var ucs2 = enc.ucs2 && enc.ucs2.messages > 0 ? enc.ucs2.messages : 0;
		$('pv-ucs2-warn').textContent = ucs2 ? t('pv_ucs2_warn', { n: num(ucs2) }) : '';
		show($('pv-ucs2-warn'), ucs2 > 0);
		$('pv-when').textContent = t('pv_when', {
			schedule: fmtTime(r.schedule_at), expires: fmtTime(r.expires_at),
			rate: num(r.rate) });

		var ol = $('pv-samples');
		clear(ol);
		(r.samples || []).forEach(function (s) {
			ol.appendChild(el('li', { className: 'sample' }, [
				el('p', { className: 'sample-phone', text: s.phone || '' }),
				el('p', { className: 'sample-text', text: s.text || '' }),
				el('p', { className: 'sample-meta', text: t('pv_sample_meta', {
					chars: num(Array.from(s.text || '').length),
					enc: s.encoding === 'ucs2' ? 'UCS-2' : (s.encoding === 'gsm7' ? 'GSM-7' : s.encoding),
					segments: num(s.segments) }) })]));
		});
	}

	/* --- procedure requests ------------------------------------------------ */


	async function refreshRequests() {
		var since = $('req-since').value.trim();
		var kind = $('req-kind').value;
		var q = [], m;

		hideError($('req-error'));
		m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(since);	/* typed without a date picker */
		if (m)
			since = m[3] + '-' + pad2(m[2]) + '-' + pad2(m[1]);
		if (since)
			q.push('since=' + encodeURIComponent(since));
		if (kind)
			q.push('kind=' + encodeURIComponent(kind));
		$('req-submit').disabled = true;
		try {
			var res = await api('GET', '/api/requests' + (q.length ? '?' + q.join('&') : ''));
			S.requests = Array.isArray(res.requests) ? res.requests : [];
			S.requestsAt = clock();
		} catch (err) {
			if (err.status !== 401)
				showError($('req-error'), err);
		} finally {
			$('req-submit').disabled = false;
		}
		renderRequests();
	}

	function fieldsText(fields) {
		return Object.keys(fields || {}).map(function (k) {
			var v = fields[k];
			var shown = tOr('value_' + v, String(v));
			return tOr('field_' + k, k) + ': ' + shown;
		}).join('; ');
	}

	function renderRequests() {
		var body = $('req-body');
		var rs = (S.requests || []).slice().sort(function (a, b) {
			return a.time < b.time ? 1 : a.time > b.time ? -1 : 0;
		});

		clear(body);
		rs.forEach(function (r) {
			body.appendChild(el('tr', { 'data-ref': r.ref }, [
				el('td', { 'data-label': t('req_time') }, [timeEl(r.time)]),
				el('td', { 'data-label': t('req_ref') }, [el('code', { text: r.ref || '' })]),
				el('td', { 'data-label': t('req_kind'), text: tOr('kind_' + r.kind, r.kind || '') }),
				el('td', { 'data-label': t('req_phone'), text: r.phone || '' }),
				el('td', { 'data-label': t('req_channel'), text: (r.channel || '').toUpperCase() }),
				el('td', { 'data-label': t('req_fields'), className: 'fields', text: fieldsText(r.fields) })]));
		});
		show($('req-empty'), S.requests !== null && rs.length === 0);
		$('requests-updated').textContent = S.requests === null ? '' :
			t('req_count', { n: num(rs.length) }) + ' · ' + t('updated_at', { time: S.requestsAt });
	}

	/* --- applications filed by phone ------------------------------------------ */

	async function refreshApps() {
		var st = $('apps-status').value;
		var q = ['limit=' + APPS_LIMIT];

		hideError($('apps-error'));
		if (st)
			q.push('status=' + encodeURIComponent(st));
		$('apps-submit').disabled = true;
		try {
			var res = await api('GET', '/api/applications?' + q.join('&'));
			S.apps = Array.isArray(res.applications) ? res.applications : [];
			S.appsMore = !!res.truncated;
			S.appsAt = clock();
		} catch (err) {
			if (err.status !== 401)
				showError($('apps-error'), err);
		} finally {
			$('apps-submit').disabled = false;
		}
		renderApps();
	}

	function statusText(n) {
		return TEXTS[S.lang]['st_' + n] !== undefined ? t('st_' + n) : String(n);
	}

	/* 2026-12-09 as the page writes dates */
	function fmtDate(iso) {
		var m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(iso || '');

		if (!m)
			return iso ? String(iso) : t('dash');
		return S.lang === 'vi' ? m[3] + '/' + m[2] + '/' + m[1] : iso;
	}

	/* what the citizen gave: "Số CCCD: 001203012345", one per line */
	function factsList(form) {
		return el('ul', { className: 'facts-list' }, Object.keys(form || {}).map(function (k) {
			return el('li', { 'data-field': k }, [
				el('span', { className: 'facts-name', text: tOr('form_' + k, k) + ': ' }),
				String(form[k])]);
		}));
	}

	function appRow(code) {
		if (!S.appRows[code])
			S.appRows[code] = { next: '', reason: '', error: null, busy: false };
		return S.appRows[code];
	}

	/* the row's form: the next status, the reason, Update */
	function appForm(a, i) {
		var row = appRow(a.code);
		var sel = el('select', { id: 'app-next-' + i, name: 'status', className: 'app-next' },
			NEXT_STATUSES.map(function (n) {
				return el('option', { value: String(n), text: statusText(n) });
			}));
		var reason = el('input', { id: 'app-reason-' + i, name: 'reason', type: 'text',
			className: 'app-reason', maxlength: '100', autocomplete: 'off',
			'aria-describedby': 'app-reason-hint-' + i + ' app-error-' + i,
			'aria-invalid': row.error && /^reason\b/.test(row.error.server) ? 'true' : undefined });
		var btn = el('button', { type: 'submit', className: 'btn-primary app-save',
			text: row.busy ? t('apps_saving') : t('apps_save') });
		var errBox = el('div', { id: 'app-error-' + i, className: 'msg msg-error app-error', role: 'alert' });
		var form = el('form', { className: 'app-form', novalidate: 'novalidate' }, [
			el('label', { 'for': 'app-next-' + i, className: 'vh', text: t('apps_next') }), sel,
			el('label', { 'for': 'app-reason-' + i, className: 'app-reason-label', text: t('apps_reason') }),
			reason,
			el('p', { id: 'app-reason-hint-' + i, className: 'hint', text: t('apps_reason_hint') }),
			btn, errBox]);

		/* the usual next step: in progress, then processed */
		sel.value = row.next || String(a.status === 4 ? 9 : 4);
		reason.value = row.reason;
		btn.disabled = row.busy;
		if (row.error)
			showError(errBox, row.error, appErrorLead(row.error));
		else
			show(errBox, false);
		sel.addEventListener('change', function () {
			row.next = sel.value;
		});
		reason.addEventListener('input', function () {
			row.reason = reason.value;
		});
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			row.next = sel.value;
			row.reason = reason.value;
			setAppStatus(a.code);
		});
		return form;
	}

	/* our words for what the server refused */
	function appErrorLead(err) {
		if (err.status === 400 && /^reason: required/.test(err.server))
			return t('apps_reason_needed');
		if (err.status === 400 && /^reason\b/.test(err.server))
			return t('apps_reason_bad');
		if (err.status === 404)
			return t('apps_not_found');
		return undefined;
	}

	async function setAppStatus(code) {
		var row = appRow(code);
		var body = { status: +row.next, reason: row.reason.trim(), notify: true };
		var session = S.session;

		row.busy = true;
		row.error = null;
		renderApps();
		try {
			var res = await api('POST', '/api/dossiers/' + encodeURIComponent(code) + '/status', body);
			(S.apps || []).forEach(function (a, i) {
				if (a.code === code)
					S.apps[i] = res.dossier;
			});
			delete S.appRows[code];
			S.appsDone = { code: code, status: res.dossier.status, notice: res.notice };
		} catch (err) {
			if (err.status === 401 || S.session !== session)
				return;
			row.error = err;
			S.appsDone = null;
		} finally {
			row.busy = false;
		}
		renderApps();
		if (row.error) {
			var i = (S.apps || []).map(function (a) { return a.code; }).indexOf(code);
			var input = $('app-reason-' + i);
			if (input)
				input.focus();
		}
	}

	function renderApps() {
		var body = $('apps-body');
		var done = S.appsDone;
		var msg = $('apps-message');

		clear(body);
		(S.apps || []).forEach(function (a, i) {
			var status = el('td', { 'data-label': t('apps_status'), className: 'app-status' }, [
				el('span', { className: 'badge app-st-' + a.status, 'data-status': String(a.status),
					text: statusText(a.status) })]);
			if (a.reason)
				status.appendChild(el('p', { className: 'app-reason-shown', text: a.reason }));
			body.appendChild(el('tr', { 'data-code': a.code, 'data-status': String(a.status) }, [
				el('td', { 'data-label': t('apps_filed') }, [timeEl(a.filed_at)]),
				el('td', { 'data-label': t('apps_code') }, [el('code', { text: a.code || '' })]),
				el('td', { 'data-label': t('apps_procedure'), className: 'app-procedure' }, [
					a.procedure || a.app || '', a.app ? el('span', { className: 'hint app-id', text: ' (' + a.app + ')' }) : null]),
				el('td', { 'data-label': t('req_phone'), text: a.phone || '' }),
				el('td', { 'data-label': t('apps_facts'), className: 'fields' }, [factsList(a.form)]),
				status,
				el('td', { 'data-label': t('apps_due'), text: fmtDate(a.due_at) }),
				el('td', { 'data-label': t('apps_action'), className: 'app-action' }, [appForm(a, i)])]));
		});
		show($('apps-empty'), S.apps !== null && S.apps.length === 0);
		$('apps-updated').textContent = S.apps === null ? '' :
			t('apps_count', { n: num(S.apps.length) }) + ' · ' + t('updated_at', { time: S.appsAt }) +
			(S.appsMore ? ' · ' + t('apps_more') : '');
		if (done) {
			msg.textContent = t('apps_done', { code: done.code, status: statusText(done.status),
				notice: tOr('notice_' + done.notice, done.notice) });
			msg.setAttribute('data-code', done.code);
		}
		show(msg, !!done);
	}

	/* --- start ------------------------------------------------------------- */

	function start() {
		var lang = load('localStorage', LANG_KEY);

		S.lang = TEXTS[lang] ? lang : 'vi';
		applyTexts();
		/* the last 30 days, Vietnam time */
		$('req-since').value = new Date(vnNow().getTime() - 30 * 86400e3).toISOString().slice(0, 10);

		$('lang-switch').addEventListener('click', function () {
			setLang(S.lang === 'vi' ? 'en' : 'vi');
		});
		$('logout').addEventListener('click', function () {
			loggedOut('login_out');
		});
		$('login-form').addEventListener('submit', function (ev) {
			var v = $('token').value.trim();

			ev.preventDefault();
			if (!v) {
				showLogin('login_empty', true);
				return;
			}
			login(v, false);
		});
		window.addEventListener('hashchange', function () {
			route(false);
		});

		var form = $('bc-form');
		form.addEventListener('submit', onPreview);
		form.addEventListener('input', function (ev) {
			if (ev.target.id !== 'bc-csv')
				invalidatePreview();
			if (ev.target.id === 'bc-template')
				renderTemplateHint();
		});
		form.addEventListener('change', function (ev) {
			if (ev.target.id !== 'bc-csv')
				invalidatePreview();
		});
		form.addEventListener('reset', function () {
			setTimeout(clearFormState, 0);	/* after the browser cleared the inputs */
		});
		$('bc-csv').addEventListener('change', onCsvChosen);
		$('bc-send').addEventListener('click', onSend);
		$('req-form').addEventListener('submit', function (ev) {
			ev.preventDefault();
			refreshRequests();
		});
		$('apps-form').addEventListener('submit', function (ev) {
			ev.preventDefault();
			refreshApps();
		});

		renderAll();
		var token = load('sessionStorage', TOKEN_KEY);
		if (token)
			login(token, true);
		else
			showLogin(null);
	}

	start();
}());
