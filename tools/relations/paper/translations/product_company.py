"""product_company: "{} was created by? Answer:" (translated by the project).

Product names stay as written except where the product has its own name in the language
(Apple's Newsstand, Square's and Nintendo's games in Chinese and Japanese, ...); companies take
their usual Chinese and Japanese names, with the written form accepted too."""

TEMPLATES = {
    "de": "{} wurde entwickelt von? Antwort:",
    "es": "¿{} fue creado por? Respuesta:",
    "fr": "{} a été créé par ? Réponse :",
    "zh": "推出{}的公司是？答案：",
    "ja": "{}を開発した会社は？答え：",
}

LEXICON = """
Sony | = | = | = | 索尼 / Sony | ソニー / Sony
Renault | = | = | = | 雷诺 / 雷諾 / Renault | ルノー / Renault
Boeing | = | = | = | 波音 / Boeing | ボーイング / Boeing
Fiat | = | = | = | 菲亚特 / 飛雅特 / Fiat | フィアット / Fiat
Apple | = | = | = | 苹果 / 蘋果 / Apple | アップル / Apple
Nintendo | = | = | = | 任天堂 / Nintendo | 任天堂 / Nintendo
Honda | = | = | = | 本田 / Honda | ホンダ / 本田 / Honda
Square | = | = | = | 史克威尔 / 史克威爾 / Square | スクウェア / Square
Microsoft | = | = | = | 微软 / 微軟 / Microsoft | マイクロソフト / Microsoft
Adobe | = | = | = | = / 奥多比 | アドビ / Adobe
Google | = | = | = | 谷歌 / Google | グーグル / Google
Sega | = | = | = | 世嘉 / Sega / SEGA | セガ / Sega / SEGA
Amazon | = | = | = | 亚马逊 / 亞馬遜 / Amazon | アマゾン / Amazon
"""

# id | de | es | fr | zh | ja (a bare id: the written name everywhere)
SUBJECTS = """
dualshock
eagle_medallion
cim_10_bomarc | = | = | = | CIM-10波马克 | CIM-10 ボマーク
lancia_gamma | = | = | = | 蓝旗亚Gamma | ランチア・ガンマ
alpine_a106 | = | = | = | = | アルピーヌ・A106
c_40_clipper
iphone_1
wii_u
iphone
vtec
ea_18g_growler | = | = | = | EA-18G咆哮者 | EA-18G グラウラー
macbook_pro
family_computer_disk_system | = | = | = | FC磁碟机 | ファミリーコンピュータ ディスクシステム
super_game_boy | = | = | = | = | スーパーゲームボーイ
final_fantasy | = | = | = | 最终幻想 | ファイナルファンタジー
internet_explorer
windows_easy_transfer | = | = | = | Windows轻松传送 | Windows 転送ツール
windows_rt
tamarin
macpaint
quicktime
newsstand | Zeitungskiosk | Quiosco | Kiosque | 报刊杂志 | =
visual_basic_script
donkey_kong | = | = | = | 大金刚 | ドンキーコング
ipod_nano
windows_8
safari
webm
eternal_champions | = | = | = | = | エターナルチャンピオンズ
app_inventor_for_android
b_52_stratofortress | = | = | = | B-52同温层堡垒 | B-52 ストラトフォートレス
visual_basic_net
interface_builder
windows_mobile
robocopy
vector_markup_language
ibeacon
mac_os_x_snow_leopard
bbeb
opensearch
windows_2_0
windows_server_2012
chrono_trigger | = | = | = | 时空之轮 | クロノ・トリガー
small_web_format
front_mission_3 | = | = | = | 前线任务3 | フロントミッション サード
ipad_mini_3
android_jelly_bean
windows_embedded
portable_document_format | = | Formato de Documento Portátil | = | 便携式文档格式 | ポータブル・ドキュメント・フォーマット
windbg
"""
