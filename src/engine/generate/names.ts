/**
 * Name lists for the synthetic generator, written for this project (no external source). Lists are ordered roughly
 * by frequency: the generator draws with a skew towards the front, so early entries are "very common names".
 * Cultures are weighted to resemble a US customer base.
 */

export interface Culture {
  name: string;
  weight: number;
  male: string[];
  female: string[];
  surnames: string[];
  /** Probability that a record of this culture is written without its diacritics (José → Jose). */
  stripDiacritics?: number;
  /** Two-syllable given names: [male [first, second], female [first, second]]. */
  syllables?: [[string[], string[]], [string[], string[]]];
}

const w = (s: string) => s.trim().split(/\s+/);

export const CULTURES: Culture[] = [
  {
    name: 'anglo', weight: 52,
    male: w(`James Robert John Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony
      Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob
      Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick
      Raymond Jack Dennis Jerry Tyler Aaron Henry Douglas Peter Adam Nathan Zachary Walter Kyle Harold Carl Jeremy
      Gerald Keith Roger Arthur Terry Lawrence Sean Christian Ethan Austin Joe Albert Jesse Willie Billy Bryan Bruce
      Noah Jordan Dylan Ralph Roy Alan Wayne Eugene Juan Louis Russell Gabriel Randy Philip Harry Vincent Bobby Johnny
      Logan Mason Liam Owen Caleb Wyatt Hunter Connor Landon Colton Brody Garrett Spencer Trevor Dale Clifford`),
    female: w(`Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Sandra Margaret
      Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Dorothy Rebecca Sharon Laura Cynthia
      Amy Kathleen Angela Shirley Brenda Emma Anna Pamela Nicole Samantha Katherine Christine Helen Debra Rachel Carolyn
      Janet Maria Catherine Heather Diane Olivia Julie Joyce Victoria Ruth Virginia Lauren Kelly Christina Joan Evelyn
      Judith Andrea Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria Sara Janice Ann Kathryn Abigail Sophia
      Frances Jean Alice Judy Isabella Julia Grace Amber Denise Danielle Marilyn Beverly Charlotte Natalie Theresa Diana
      Brittany Doris Kayla Alexis Lori Marie Harper Ella Avery Chloe Addison Lily Zoe Brooke Paige Courtney Whitney`),
    surnames: w(`Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson
      Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson
      Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers
      Morgan Peterson Cooper Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray James
      Hughes Price Sanders Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Fisher Henderson Coleman
      Simmons Patterson Jordan Reynolds Hamilton Graham Wallace West Cole Hayes Bryant Gibson Ellis Stevens Murray
      Ford Marshall Owens McDonald Harrison Kennedy Wells Tucker Porter Hunter Hicks Crawford Henry Boyd Mason Warren
      Dixon Burns Gordon Shaw Holmes Rice Hunt Black Daniels Palmer Mills Grant Knight Ferguson Stone Hawkins Dunn
      Perkins Hudson Spencer Stephens Pierce Hansen Wagner Schmidt Mueller Weber Schneider Fischer Becker Hoffman
      Schulz Koch Richter Klein Wolf Kowalski Nowak Wisniewski Lewandowski Kaminski Zielinski Szymanski Rossi Russo
      Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti DeLuca Costa O'Brien O'Connor
      O'Neill McCarthy Gallagher Doherty Kennedy Lynch Quinn Byrne Zabrowski Kowalczyk Lindqvist Johansson Larsen`),
  },
  {
    name: 'hispanic', weight: 18, stripDiacritics: 0.5,
    male: w(`José Juan Luis Carlos Jorge Miguel Antonio Jesús Francisco Alejandro Manuel Pedro Ricardo Fernando Roberto
      Javier Eduardo Daniel Rafael Sergio Andrés Diego Raúl Héctor Óscar Mario Arturo Enrique Alberto Gerardo Ramón
      Víctor Pablo Martín Hugo Guillermo Ernesto Rubén Alfredo Julio Santiago Mateo Sebastián Emiliano Gustavo Iván
      Ángel Felipe Gabriel Cristian Marco Adrián Esteban Joaquín Tomás Ignacio Lorenzo Rodrigo Salvador`),
    female: w(`María Guadalupe Juana Margarita Verónica Leticia Rosa Carmen Ana Patricia Gabriela Alejandra Elizabeth
      Adriana Laura Claudia Sofía Valentina Isabella Camila Daniela Lucía Mariana Fernanda Paola Andrea Mónica Silvia
      Teresa Yolanda Lourdes Beatriz Araceli Rocío Esperanza Marisol Natalia Ximena Regina Victoria Jimena Elena
      Carolina Diana Liliana Susana Norma Irma Alicia Cecilia Raquel Pilar Inés Dolores Consuelo`),
    surnames: w(`García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez
      Díaz Reyes Morales Cruz Ortiz Gutiérrez Chávez Ramos Ruiz Álvarez Mendoza Vásquez Castillo Jiménez Moreno
      Romero Herrera Medina Aguilar Vargas Guzmán Castro Fernández Juárez Méndez Salazar Soto Delgado Peña Ríos
      Contreras Sandoval Figueroa Domínguez Estrada Núñez Maldonado Cabrera Rojas Campos Vega Fuentes Carrillo
      Espinoza Ibarra Acosta Navarro Valdez Ochoa Muñoz Cervantes Zamora Padilla Montoya Orozco Benítez Velázquez
      Quintero Barrera Villanueva Arellano Solís Galindo Beltrán Zúñiga Cortés Bautista`),
  },
  {
    name: 'chinese', weight: 5,
    male: w(`Wei Jie Hao Lei Jun Yang Ming Tao Bo Qiang Peng Chao Gang Hui Long Xin Yi Kai Feng Jian Bin Chen Hong
      Zhiwei Jianguo Haoran Zihao Yuxuan Junjie Tianyu`),
    female: w(`Fang Li Na Jing Ying Xiu Min Yan Hui Mei Ling Xia Hong Juan Yun Lan Qing Ting Xue Lili Xiaoling Yuting
      Jiayi Zihan Yutong Xinyi Shuang Wenjing`),
    surnames: w(`Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang Xie
      Tang Song Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Shen`),
    syllables: [
      [w('Zi Yu Hao Jun Jian Zhi Wen Tian Guo Ming Jia Cheng Yi Xiao Long Hong Zhen Kai'),
        w('Hao Xuan Yang Jie Wei Ming Lin Feng Hui Rui Chen Bo Qiang Tao Yu Peng Hang Xin')],
      [w('Xiao Yu Jia Zi Xin Mei Shu Wen Yi Li Hui Ya Jing Qian Si Yue Meng Xue'),
        w('Ting Han Xin Yi Qi Lan Hua Juan Ling Fang Na Jing Wen Yun Rou Mei Xue Yan')],
    ],
  },
  {
    name: 'indian', weight: 5,
    male: w(`Aarav Vivaan Aditya Arjun Rahul Rohan Amit Anil Sanjay Rajesh Suresh Vijay Ravi Deepak Manoj Ashok
      Pradeep Vikram Karthik Srinivas Venkat Ramesh Prakash Naveen Harish Ajay Nikhil Siddharth Ankit Varun Gaurav
      Abhishek Kunal Mohan Ganesh`),
    female: w(`Priya Ananya Aditi Anjali Pooja Neha Kavya Divya Sneha Lakshmi Meera Sunita Anita Deepa Kavita Rekha
      Shreya Swati Nisha Asha Radha Geeta Padma Shanti Aishwarya Isha Riya Sanjana Tanvi Lalitha`),
    surnames: w(`Patel Sharma Singh Kumar Gupta Shah Reddy Rao Iyer Nair Mehta Joshi Desai Agarwal Chopra Malhotra
      Kapoor Verma Mishra Pandey Bhat Menon Pillai Chatterjee Banerjee Mukherjee Das Bose Ghosh Srinivasan
      Krishnan Subramanian Venkatesan Naidu Chaudhary Kulkarni Jain Trivedi`),
  },
  {
    name: 'vietnamese-korean-japanese', weight: 4,
    male: w(`Minh Anh Duc Huy Khoa Long Nam Phuc Quang Thanh Tuan Viet Min-jun Seo-jun Ji-ho Jun-seo Hyun-woo Dong-hyun
      Sung-min Jae-won Hiroshi Takeshi Kenji Haruto Yuto Sota Daiki Kaito Ren Sho`),
    female: w(`Linh Lan Mai Ngoc Thao Trang Hoa Huong Ha Thu Seo-yeon Ji-woo Min-seo Ha-eun Soo-jin Ji-yeon Eun-ji
      Yuna Sakura Yui Hina Aoi Yuki Haruka Akiko Emi Naomi Mei`),
    surnames: w(`Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly Kim Lee Park Choi Jung Kang Cho
      Yoon Jang Lim Han Oh Seo Shin Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato`),
  },
  {
    name: 'arabic', weight: 4,
    male: w(`Mohammed Muhammad Ahmed Ali Omar Hassan Hussein Khalid Youssef Ibrahim Mahmoud Mustafa Abdullah Karim
      Tariq Samir Nabil Walid Faisal Hamza Bilal Rami Ziad Adel Jamal Imran Yusuf Idris Sami Nasser`),
    female: w(`Fatima Aisha Maryam Zainab Layla Noor Amira Yasmin Huda Salma Rania Dina Hana Leila Mona Samira Nadia
      Farah Lina Reem Sara Iman Jamila Khadija Rana Soraya Malak Nour Dalia Widad`),
    surnames: w(`Khan Ahmed Ali Hassan Hussain Rahman Malik Haddad Khalil Saleh Mansour Nasser Farouk Aziz Karimi
      Hosseini Rahimi Abbas Qureshi Siddiqui Chaudhry Sheikh Mahmoud Ibrahim Youssef Darwish Najjar Sabbagh Bakri
      Hamdan El-Amin Al-Farsi Al-Sayed Abboud Othman`),
  },
  {
    name: 'african', weight: 5,
    male: w(`Chinedu Emeka Oluwaseun Babajide Tunde Adebayo Kwame Kofi Kwabena Yaw Abebe Tesfaye Dawit Jelani Kamau
      Otieno Mandla Sipho Thabo Obinna Ikenna Chukwuma Femi Segun Malik DeShawn Darnell Tyrone Jamal Andre Marcus
      Terrence Reginald Cedric Demetrius`),
    female: w(`Ngozi Chioma Adaeze Folake Funmilayo Yetunde Amara Abena Akosua Ama Efua Tigist Meseret Wanjiru Achieng
      Nia Zola Thandiwe Nomvula Imani Aaliyah Keisha Latoya Tamika Ebony Jasmine Shanice Monique Tiana Precious
      Destiny Deja`),
    surnames: w(`Okafor Okonkwo Adeyemi Oladipo Balogun Eze Nwosu Mensah Boateng Asante Owusu Tesfaye Bekele Haile Mwangi
      Odhiambo Kamau Dlamini Nkosi Mokoena Washington Jefferson Freeman Banks Bradley Greene Robinson Jackson
      Coleman Booker Gaines Mosley Dorsey Whitfield Pryor`),
  },
  {
    name: 'slavic-french', weight: 7, stripDiacritics: 0.6,
    male: w(`Ivan Dmitri Sergei Alexei Nikolai Mikhail Andrei Vladimir Pavel Yuri Oleg Boris Piotr Tomasz Krzysztof
      Jakub Marek Lukas Jan Pierre Jean Louis François Étienne Julien Mathieu Nicolas Olivier Philippe Thierry René
      André Benoît Laurent`),
    female: w(`Olga Natalia Tatiana Svetlana Irina Elena Anastasia Ekaterina Yulia Ludmila Agnieszka Katarzyna Malgorzata
      Magdalena Zofia Hana Jana Petra Marie Sophie Camille Chloé Élodie Amélie Claire Céline Isabelle Sylvie Nathalie
      Brigitte Mathilde Hélène Océane Léa`),
    surnames: w(`Ivanov Petrov Smirnov Volkov Sokolov Popov Lebedev Kozlov Novikov Morozov Pavlov Fedorov Orlov Novak
      Dvořák Svoboda Černý Procházka Kovač Horvat Babić Martin Bernard Dubois Thomas Robert Richard Petit Durand
      Leroy Moreau Simon Laurent Lefèvre Michel Garnier Faure Rousseau Blanc Guérin Boucher Gauthier Chevalier`),
  },
];

/** A handful of extremely common full names used on purpose as hard negatives (different people, same name). */
export const VERY_COMMON_NAMES: Array<[first: string, last: string, gender: 'M' | 'F']> = [
  ['John', 'Smith', 'M'], ['James', 'Johnson', 'M'], ['Michael', 'Williams', 'M'], ['Robert', 'Brown', 'M'],
  ['David', 'Jones', 'M'], ['Mary', 'Smith', 'F'], ['Jennifer', 'Johnson', 'F'], ['Maria', 'Garcia', 'F'],
  ['José', 'Rodríguez', 'M'], ['Juan', 'Martínez', 'M'], ['Wei', 'Wang', 'M'], ['Li', 'Zhang', 'F'],
  ['Mohammed', 'Khan', 'M'], ['Priya', 'Patel', 'F'], ['Minh', 'Nguyen', 'M'], ['Linda', 'Davis', 'F'],
];

export const EMAIL_PROVIDERS = w(`gmail.com gmail.com gmail.com gmail.com yahoo.com yahoo.com outlook.com hotmail.com
  hotmail.com aol.com icloud.com comcast.net live.com msn.com protonmail.com att.net verizon.net me.com`);

export const COMPANIES = w(`acme globex initech umbrella hooli vandelay stark wayne wonka tyrell cyberdyne soylent
  massive-dynamic aperture oscorp dunder-mifflin prestige-worldwide gringotts monarch northwind contoso fabrikam
  tailspin adventure-works litware proseware fourth-coffee alpine-ski woodgrove blue-yonder wingtip lucerne margies
  trey-research coho humongous-insurance relecloud fineartschool graphic-design-institute`);

export const STREET_NAMES = w(`Main Oak Pine Maple Cedar Elm Washington Lake Hill Walnut Park Sunset Lincoln Jackson
  Church River Highland Forest Jefferson Madison Franklin Chestnut Spring Willow Meadow Ridge Valley Center Mill
  Adams Cherry Lakeview Birch Dogwood Hickory Sycamore Magnolia Jones Colonial Prospect Union Broad Front Academy
  Liberty Bridge Market Water Court Grove Laurel Pleasant Woodland Orchard Summit Fairview Heritage Cambridge
  Lafayette Delaware Hamilton Monroe Riverside Canyon Mesa Pinecrest Redwood Sequoia Aspen Juniper Mulberry Poplar
  Vine Harbor Bay Ocean Shore Beacon Kingston Windsor Chelsea Devon Brighton Sheffield Clayton Sherwood Belmont`);

/** Street types as [full, abbreviation]. */
export const STREET_TYPES: Array<[string, string]> = [
  ['Street', 'St'], ['Avenue', 'Ave'], ['Road', 'Rd'], ['Drive', 'Dr'], ['Lane', 'Ln'], ['Boulevard', 'Blvd'],
  ['Court', 'Ct'], ['Place', 'Pl'], ['Way', 'Way'], ['Circle', 'Cir'], ['Terrace', 'Ter'], ['Parkway', 'Pkwy'],
];

/** [city, state, ZIP prefix (3 digits), area codes]. */
export const CITIES: Array<[string, string, string, string[]]> = [
  ['New York', 'NY', '100', ['212', '646', '917']], ['Brooklyn', 'NY', '112', ['718', '347']],
  ['Los Angeles', 'CA', '900', ['213', '310', '323']], ['San Diego', 'CA', '921', ['619', '858']],
  ['San Francisco', 'CA', '941', ['415', '628']], ['San Jose', 'CA', '951', ['408', '669']],
  ['Sacramento', 'CA', '958', ['916', '279']], ['Chicago', 'IL', '606', ['312', '773', '872']],
  ['Houston', 'TX', '770', ['713', '281', '832']], ['Dallas', 'TX', '752', ['214', '469', '972']],
  ['Austin', 'TX', '787', ['512', '737']], ['San Antonio', 'TX', '782', ['210', '726']],
  ['Phoenix', 'AZ', '850', ['602', '480', '623']], ['Tucson', 'AZ', '857', ['520']],
  ['Philadelphia', 'PA', '191', ['215', '267']], ['Pittsburgh', 'PA', '152', ['412', '878']],
  ['Jacksonville', 'FL', '322', ['904']], ['Miami', 'FL', '331', ['305', '786']], ['Tampa', 'FL', '336', ['813']],
  ['Orlando', 'FL', '328', ['407', '321']], ['Columbus', 'OH', '432', ['614']], ['Cleveland', 'OH', '441', ['216']],
  ['Indianapolis', 'IN', '462', ['317']], ['Charlotte', 'NC', '282', ['704', '980']], ['Raleigh', 'NC', '276', ['919']],
  ['Seattle', 'WA', '981', ['206']], ['Spokane', 'WA', '992', ['509']], ['Denver', 'CO', '802', ['303', '720']],
  ['Boston', 'MA', '021', ['617', '857']], ['Worcester', 'MA', '016', ['508']], ['Nashville', 'TN', '372', ['615']],
  ['Memphis', 'TN', '381', ['901']], ['Detroit', 'MI', '482', ['313']], ['Grand Rapids', 'MI', '495', ['616']],
  ['Portland', 'OR', '972', ['503', '971']], ['Las Vegas', 'NV', '891', ['702', '725']],
  ['Baltimore', 'MD', '212', ['410', '443']], ['Milwaukee', 'WI', '532', ['414']],
  ['Albuquerque', 'NM', '871', ['505']], ['Atlanta', 'GA', '303', ['404', '470', '678']],
  ['Kansas City', 'MO', '641', ['816']], ['St. Louis', 'MO', '631', ['314']], ['Omaha', 'NE', '681', ['402']],
  ['Minneapolis', 'MN', '554', ['612']], ['New Orleans', 'LA', '701', ['504']], ['Salt Lake City', 'UT', '841', ['801']],
  ['Louisville', 'KY', '402', ['502']], ['Oklahoma City', 'OK', '731', ['405']], ['Richmond', 'VA', '232', ['804']],
  ['Newark', 'NJ', '071', ['973', '862']], ['Hartford', 'CT', '061', ['860']], ['Providence', 'RI', '029', ['401']],
  ['Birmingham', 'AL', '352', ['205']], ['Boise', 'ID', '837', ['208']], ['Honolulu', 'HI', '968', ['808']],
  ['Anchorage', 'AK', '995', ['907']], ['Buffalo', 'NY', '142', ['716']], ['Fresno', 'CA', '937', ['559']],
  ['Springfield', 'IL', '627', ['217']], ['Springfield', 'MO', '658', ['417']], ['Springfield', 'MA', '011', ['413']],
];

/** US state abbreviation → full name, for format variation. */
export const STATE_NAMES: Record<string, string> = {
  NY: 'New York', CA: 'California', IL: 'Illinois', TX: 'Texas', AZ: 'Arizona', PA: 'Pennsylvania', FL: 'Florida',
  OH: 'Ohio', IN: 'Indiana', NC: 'North Carolina', WA: 'Washington', CO: 'Colorado', MA: 'Massachusetts',
  TN: 'Tennessee', MI: 'Michigan', OR: 'Oregon', NV: 'Nevada', MD: 'Maryland', WI: 'Wisconsin', NM: 'New Mexico',
  GA: 'Georgia', MO: 'Missouri', NE: 'Nebraska', MN: 'Minnesota', LA: 'Louisiana', UT: 'Utah', KY: 'Kentucky',
  OK: 'Oklahoma', VA: 'Virginia', NJ: 'New Jersey', CT: 'Connecticut', RI: 'Rhode Island', AL: 'Alabama',
  ID: 'Idaho', HI: 'Hawaii', AK: 'Alaska',
};
