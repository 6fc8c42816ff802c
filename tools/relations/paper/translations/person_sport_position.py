"""person_sport_position: "{} plays in the position of a? Answer:" (translated by the project).

LRE's goaltenders are ice hockey goalies, its forwards and defenders association football
players."""

from translations.people import PEOPLE as SHARED_SUBJECTS  # noqa: F401

TEMPLATES = {
    "de": "{} spielt auf der Position? Antwort:",
    "es": "¿{} juega en la posición de? Respuesta:",
    "fr": "{} joue au poste de ? Réponse :",
    "zh": "{}在场上的位置是？答案：",
    "ja": "{}のポジションは？答え：",
}

LEXICON = """
quarterback | Quarterback | mariscal de campo / quarterback | quarterback / quart-arrière | 四分卫 / 四分衛 | クォーターバック
midfielder | Mittelfeldspieler | centrocampista / mediocampista / volante | milieu de terrain / milieu | 中场 / 中場 | ミッドフィールダー
outfielder | Outfielder / Außenfeldspieler | jardinero / outfielder | voltigeur / champ extérieur | 外野手 | 外野手
goaltender | Torhüter / Torwart / Goalie | portero / guardameta / arquero | gardien de but / gardien | 守门员 / 守門員 / 门将 | ゴールテンダー / ゴーリー / ゴールキーパー
forward | Stürmer | delantero | attaquant | 前锋 / 前鋒 | フォワード
pitcher | Pitcher / Werfer | lanzador / pícher / pitcher | lanceur | 投手 | 投手 / ピッチャー
defender | Verteidiger | defensa / defensor | défenseur | 后卫 / 後衛 | ディフェンダー
catcher | Catcher / Fänger | receptor / cátcher | receveur | 捕手 | 捕手 / キャッチャー
linebacker | Linebacker | apoyador / linebacker | secondeur / linebacker | 线卫 / 線衛 | ラインバッカー
"""

# id | de | es | fr | zh | ja (a bare id: the written name everywhere)
SUBJECTS = """
john_navarre
evan_dimas_darmono
andrew_jacobson
clete_thomas
reto_berra
kevin_kampl
tommy_taylor
drew_storen
arben_minga
antonio_cabrini | = | = | = | 安东尼奥·卡布里尼 | アントニオ・カブリーニ
kyle_farnsworth
vince_coleman
dick_radatz
eli_whiteside
david_batty
mike_pawlawski
hong_chih_kuo | = | = | = | 郭泓志 | 郭泓志
doug_buffone
davide_biondini
johan_arneng
shane_matthews
luke_o_brien
mark_kinsella
junior_stanislas
vicente_engonga
angelo_bertelli
jim_sorgi
sam_crawford
giovanni_tedesco
alfie_moore
marc_overmars | = | = | = | 马克·奥维马斯 | マルク・オーフェルマウス
conan_byrne
carlos_manuel
moise_fokou
frank_watkin
nate_robertson
dany_n_guessan
daniele_dessena
joe_paterno
kari_lehtonen
josh_gibson
eusebio_castigliano
atlee_hammaker
giuseppe_baresi | = | = | = | 朱塞佩·巴雷西 | ジュゼッペ・バレージ
jim_zorn
woodrow_dantzler
almen_abdi
"""
