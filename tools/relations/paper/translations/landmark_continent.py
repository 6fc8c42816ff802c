"""landmark_continent: "{} is on the continent of? Answer:" (translated by the project).

German keeps the English names of Antarctic features where German usage does (ranges, hills,
escarpments, "Mount ..."), and translates the generic part where it is usual (-Gletscher,
-Insel, Kap, -Bucht); Spanish and French translate the generic part (Glaciar, Île, Cap, ...);
Chinese and Japanese transcribe the specific part and translate the generic one.
"""

TEMPLATES = {
    "de": "{} liegt auf dem Kontinent? Antwort:",
    "es": "¿{} está en el continente? Respuesta:",
    "fr": "{} se trouve sur le continent ? Réponse :",
    "zh": "{}所在的大洲是？答案：",
    "ja": "{}がある大陸は？答え：",
}

LEXICON = """
Antarctica | Antarktika / Antarktis | Antártida / Antártica | Antarctique | 南极洲 / 南極洲 | 南極大陸 / 南極
Europe | Europa | Europa | Europe | 欧洲 / 歐洲 | ヨーロッパ / 欧州
Asia | Asien | Asia | Asie | 亚洲 / 亞洲 | アジア
Africa | Afrika | África / Africa | Afrique | 非洲 | アフリカ
Americas | Amerika | América / Américas | Amérique / Amériques | 美洲 | アメリカ大陸 / アメリカ
"""

# id | de | es | fr | zh | ja
SUBJECTS = """
suvorov_glacier | Suworow-Gletscher | Glaciar Suvorov | Glacier Suvorov | 苏沃洛夫冰川 | スヴォーロフ氷河
umayyad_caliphate | Umayyaden-Kalifat | Califato omeya | Califat omeyyade | 倭马亚王朝 | ウマイヤ朝
eureka_glacier | Eureka-Gletscher | Glaciar Eureka | Glacier Eureka | 尤里卡冰川 | ユーリカ氷河
lanterman_range | = | Cordillera Lanterman | Chaîne Lanterman | 兰特曼山脉 | ランターマン山脈
pune | = | = | = | 浦那 | プネー
dennistoun_glacier | Dennistoun-Gletscher | Glaciar Dennistoun | Glacier Dennistoun | 丹尼斯顿冰川 | デニストン氷河
whitehall_glacier | Whitehall-Gletscher | Glaciar Whitehall | Glacier Whitehall | 怀特霍尔冰川 | ホワイトホール氷河
antarctic_plateau | Antarktisches Plateau | Meseta Antártica | Plateau Antarctique | 南极高原 | 南極高原
willan_saddle | = | Collado Willan | Col Willan | 威兰鞍部 | ウィラン鞍部
zechstein | = | = | = | 蔡希斯坦 | ツェヒシュタイン
clare_range | = | Cordillera Clare | Chaîne Clare | 克莱尔山脉 | クレア山脈
newcomer_glacier | Newcomer-Gletscher | Glaciar Newcomer | Glacier Newcomer | 纽科默冰川 | ニューカマー氷河
foundation_ice_stream | Foundation-Eisstrom | Corriente de hielo Foundation | Courant glaciaire Foundation | 基金会冰流 | ファウンデーション氷流
dundee_island | Dundee-Insel | Isla Dundee | Île Dundee | 邓迪岛 | ダンディー島
pickwick_island | Pickwick-Insel | Isla Pickwick | Île Pickwick | 匹克威克岛 | ピクウィック島
worcester_range | = | Cordillera Worcester | Chaîne Worcester | 伍斯特山脉 | ウスター山脈
posadowsky_bay | Posadowskybucht | Bahía Posadowsky | Baie Posadowsky | 波萨多夫斯基湾 | ポサドフスキー湾
rufiji_river | Rufiji | Río Rufiji | Rufiji | 鲁菲季河 | ルフィジ川
melnik_peak | = | Pico Melnik | Pic Melnik | 梅尔尼克峰 | メルニク峰
mount_mentzel | = | Monte Mentzel | Mont Mentzel | 门策尔山 | メンツェル山
coronation_island | = | Isla Coronación | Île du Couronnement | 加冕岛 | コロネーション島
south_beaches | = | = | = | 南海滩 | サウス・ビーチズ
lucy_glacier | Lucy-Gletscher | Glaciar Lucy | Glacier Lucy | 露西冰川 | ルーシー氷河
nimbus_hills | = | Colinas Nimbus | Collines Nimbus | 宁巴斯丘陵 | ニンバス丘陵
balleny_islands | Balleny-Inseln | Islas Balleny | Îles Balleny | 巴勒尼群岛 | バレニー諸島
banaskantha_district | Distrikt Banaskantha | Distrito de Banaskantha | District de Banaskantha | 巴纳斯甘达县 | バナースカーンター県
washington_escarpment | = | Escarpe Washington | Escarpement Washington | 华盛顿断崖 | ワシントン断崖
chavez_island | Chavez-Insel | Isla Chávez | Île Chavez | 查韦斯岛 | チャベス島
abbasid_caliphate | Abbasiden-Kalifat | Califato abasí | Califat abbasside | 阿拔斯王朝 | アッバース朝
nebraska_peaks | = | Picos Nebraska | Pics Nebraska | 内布拉斯加峰群 | ネブラスカ峰群
southern_cross_mountains | = | Montañas Southern Cross | Monts Southern Cross | 南十字山脉 | サザンクロス山脈
nigeria | = | = | = | 尼日利亚 | ナイジェリア
beaumont_glacier | Beaumont-Gletscher | Glaciar Beaumont | Glacier Beaumont | 博蒙特冰川 | ボーモント氷河
davis_coast | Davis-Küste | Costa Davis | Côte Davis | 戴维斯海岸 | デービス海岸
bern | = | Berna | Berne | 伯尔尼 | ベルン
pearse_valley | = | Valle Pearse | Vallée Pearse | 皮尔斯谷 | ピアース谷
pitt_islands | Pitt-Inseln | Islas Pitt | Îles Pitt | 皮特群岛 | ピット諸島
land_glacier | Land-Gletscher | Glaciar Land | Glacier Land | 兰德冰川 | ランド氷河
anare_mountains | = | Montañas Anare | Monts Anare | 阿纳尔山脉 | アナレ山脈
lions_rump | = | = | = | = | =
queen_elizabeth_land | = | Tierra de la Reina Isabel | Terre de la Reine-Élisabeth | 伊丽莎白女王地 | エリザベス女王ランド
largo_island | Largo-Insel | Isla Largo | Île Largo | 拉戈岛 | ラルゴ島
cape_evensen | Kap Evensen | Cabo Evensen | Cap Evensen | 埃文森角 | エベンセン岬
salamander_range | = | Cordillera Salamander | Chaîne Salamander | 萨拉曼德山脉 | サラマンダー山脈
cape_barne | Kap Barne | Cabo Barne | Cap Barne | 巴恩角 | バーン岬
finland | Finnland | Finlandia | Finlande | 芬兰 | フィンランド
united_kingdom | Vereinigtes Königreich | Reino Unido | Royaume-Uni | 英国 | イギリス
bermel_escarpment | = | Escarpe Bermel | Escarpement Bermel | 伯梅尔断崖 | バーメル断崖
rajkot | = | = | = | 拉杰果德 | ラージコート
brialmont_cove | Brialmont-Bucht | Caleta Brialmont | Anse Brialmont | 布里亚尔蒙湾 | ブリアルモン湾
"""
